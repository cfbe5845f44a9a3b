package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A backend that was ready died before a test that uses it. Thrown before the test runs, in
 * place of the connection error the test's client would otherwise report, with the exit code
 * and the last lines of the backend's output.
 */
@API(status = STABLE, since = "0.1")
public class BackendNotRunningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * A backend found dead before a test.
     *
     * @param message which backend, its exit code and the last lines of its output
     */
    public BackendNotRunningException(String message) {
        super(message);
    }
}
