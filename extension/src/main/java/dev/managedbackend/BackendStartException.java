package dev.managedbackend;

/**
 * A backend could not be started or did not become ready. The message says what happened, names
 * the log file, and ends with the last lines of the backend's output. Nothing the failed start
 * launched is left running.
 */
public class BackendStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendStartException(String message) {
        super(message);
    }

    public BackendStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
