package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import org.apiguardian.api.API;

/**
 * A started backend, injectable by type into tests ({@code void t(Backend backend)}) when the
 * test has exactly one; use {@link Backends} when it has several. {@link BackendBuilder#start()}
 * returns one outside JUnit, to be closed with try-with-resources.
 */
@API(status = STABLE, since = "0.1")
public interface Backend extends AutoCloseable {

    /** {@return the {@link ManagedBackend#name() name} it was declared with} */
    String name();

    /** {@return the base URL, without a trailing slash, e.g. {@code http://127.0.0.1:41234}} */
    URI baseUrl();

    /** {@return the host tests reach it at, e.g. {@code 127.0.0.1}} */
    String host();

    /** {@return the port tests reach it at} */
    int port();

    /** {@return the pid of the process the extension started (process mode); empty in container mode} */
    OptionalLong pid();

    /** {@return the container id (container mode); empty in process mode} */
    Optional<String> containerId();

    /** {@return where the backend's stdout and stderr go; failure messages name this file too} */
    Path logFile();

    /** {@return whether the process or container is still alive} */
    boolean isRunning();

    /**
     * Stops it now, as at the end of its scope (the whole process tree, or the container), for a
     * test of what a client does when its backend goes away. In a JUnit test, the next test of
     * the same scope gets it started again, on the same port, before it runs; {@link #restart()}
     * brings it back within the test. Does nothing if it is stopped already.
     */
    void stop();

    /**
     * Stops it if it runs, and starts it again with the same configuration on the same port, so
     * its URL stays; returns once it is ready again (the readiness check and
     * {@code startupTimeoutSeconds} as at its first start). The new launch writes a new log
     * file ({@link #logFile()}), and in process mode has a new {@link #pid()}.
     *
     * @throws BackendStartException if it cannot start again, e.g. because another program took
     *                               its port in the moment it was free
     */
    void restart();

    /**
     * Stops it for good: JUnit does this at the end of its scope; outside JUnit, close it
     * yourself (try-with-resources), or a JVM shutdown hook does it at exit.
     */
    @Override
    void close();
}
