package dev.managedbackend.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One launch of a backend, as a launcher returns it once it is ready: a process tree or a
 * container. {@link RunningBackend} is what users hold; it launches again on restart.
 */
public interface LaunchedBackend extends AutoCloseable {

    String name();

    URI baseUrl();

    String host();

    int port();

    OptionalLong pid();

    Optional<String> containerId();

    Path logFile();

    boolean isRunning();

    /** Its exit code once it has stopped on its own or been stopped; empty while it runs. */
    OptionalInt exitCode();

    /** Stops it and everything it spawned; safe to call more than once, from any thread. */
    @Override
    void close();
}
