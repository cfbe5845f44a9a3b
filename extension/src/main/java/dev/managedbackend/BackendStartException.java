package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.file.Path;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * A backend could not be started or did not become ready. The message says what happened, names
 * the log file, and ends with the last lines of the backend's output. Nothing the failed start
 * launched is left running.
 */
@API(status = STABLE, since = "0.1")
public class BackendStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Not a field of the serial form: a log path means nothing on another machine. */
    private final transient Path logFile;

    /**
     * A failure before the backend had a log.
     *
     * @param message what happened and how to fix it
     */
    public BackendStartException(String message) {
        this(message, (Path) null);
    }

    /**
     * A failure of a backend that got as far as writing a log; the extension attaches it to the report.
     *
     * @param message what happened and how to fix it, with the log's last lines
     * @param logFile the backend's log, or {@code null} if it has none
     */
    public BackendStartException(String message, Path logFile) {
        super(message);
        this.logFile = logFile;
    }

    /** {@return the log of the failed backend, when it got as far as having one} */
    public Optional<Path> logFile() {
        return Optional.ofNullable(logFile);
    }

    /**
     * A failure caused by another exception (an I/O error, an interrupted start).
     *
     * @param message what happened and how to fix it
     * @param cause   what made the start fail
     */
    public BackendStartException(String message, Throwable cause) {
        super(message, cause);
        this.logFile = null;
    }
}
