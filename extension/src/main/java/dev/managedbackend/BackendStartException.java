package dev.managedbackend;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A backend could not be started or did not become ready. The message says what happened, names
 * the log file, and ends with the last lines of the backend's output. Nothing the failed start
 * launched is left running.
 */
public class BackendStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Not a field of the serial form: a log path means nothing on another machine. */
    private final transient Path logFile;

    public BackendStartException(String message) {
        this(message, (Path) null);
    }

    /** A failure of a backend that got as far as writing a log; the extension attaches it to the report. */
    public BackendStartException(String message, Path logFile) {
        super(message);
        this.logFile = logFile;
    }

    /** The log of the failed backend, when it got as far as having one. */
    public Optional<Path> logFile() {
        return Optional.ofNullable(logFile);
    }

    public BackendStartException(String message, Throwable cause) {
        super(message, cause);
        this.logFile = null;
    }
}
