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

    /**
     * Hands a ready backend over to itself, so that it outlives this JVM (the command line's
     * {@code start}): from now on no shutdown hook and no watchdog of this JVM stops it, its crash
     * ledger entry records it as detached and owned by the backend itself (so that any JVM of this
     * user finds it, and no sweep takes it while it runs), and its port is kept from other JVMs by
     * its own listening socket (the port leasing takes only ports it can bind). Afterwards
     * {@link #close()} does nothing.
     *
     * @param healthPath its readiness check, recorded for {@code status}
     * @throws UnsupportedOperationException for a kind of backend that cannot outlive its JVM
     */
    default void detach(String healthPath) {
        throw new UnsupportedOperationException(this + " cannot outlive the JVM that started it");
    }

    /** Whether it is kept for later runs ({@code managedbackend.reuse}): then its scope's end only releases it. */
    default boolean isReused() {
        return false;
    }

    /**
     * Ends this use at the end of its scope: stops it, but a reused backend is only given back,
     * to run on for the next run until its idle timeout.
     */
    default void release() {
        close();
    }

    /** Stops it and everything it spawned; safe to call more than once, from any thread. */
    @Override
    void close();
}
