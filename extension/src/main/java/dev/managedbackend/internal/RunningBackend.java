package dev.managedbackend.internal;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Function;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendNotRunningException;

/**
 * A started backend as its user holds it, in a test or in plain Java: the current launch, and
 * how to launch it again. {@link #restart()} launches the same spec on the same port, so the URL
 * stays; {@link #stop()} ends the launch but keeps the backend restartable; {@link #close()}
 * ends it for good (the end of its scope, or try-with-resources).
 */
public final class RunningBackend implements Backend {

    private final BackendSpec spec;
    private final Function<BackendSpec, LaunchedBackend> launcher;
    private volatile LaunchedBackend current;
    private volatile boolean stoppedOnPurpose;
    private boolean closed;

    RunningBackend(BackendSpec spec, LaunchedBackend first, Function<BackendSpec, LaunchedBackend> launcher) {
        this.spec = spec;
        this.current = first;
        this.launcher = launcher;
    }

    @Override
    public String name() {
        return current.name();
    }

    @Override
    public URI baseUrl() {
        return current.baseUrl();
    }

    @Override
    public String host() {
        return current.host();
    }

    @Override
    public int port() {
        return current.port();
    }

    @Override
    public OptionalLong pid() {
        return current.pid();
    }

    @Override
    public Optional<String> containerId() {
        return current.containerId();
    }

    @Override
    public Path logFile() {
        return current.logFile();
    }

    @Override
    public boolean isRunning() {
        return current.isRunning();
    }

    /** The exit code of the current launch once it has ended; empty while it runs. */
    public OptionalInt exitCode() {
        return current.exitCode();
    }

    /** Whether {@link #stop()} ended it (rather than the backend exiting on its own, or the scope's end). */
    public boolean wasStoppedOnPurpose() {
        return stoppedOnPurpose && !closed;
    }

    @Override
    public synchronized void stop() {
        if (!closed) {
            Stopping.stop(current);
            stoppedOnPurpose = true;
        }
    }

    @Override
    public synchronized void restart() {
        if (closed) {
            throw new BackendNotRunningException("backend '" + spec.name() + "' cannot be restarted: it was "
                    + "closed at the end of its scope (or by close()). Start a new one instead.");
        }
        int port = current.port();
        Stopping.stop(current);
        stoppedOnPurpose = true; // until the new launch is ready
        current = launcher.apply(spec.withPort(port));
        stoppedOnPurpose = false;
        UrlProperty.set(this);
    }

    /**
     * Hands the backend over to itself so that it outlives this JVM: for the command line's
     * {@code start} (see {@link LaunchedBackend#detach}). Afterwards this object lets go of it:
     * {@link #stop()}, {@link #restart()} and {@link #close()} no longer reach it.
     */
    public synchronized void detach() {
        if (closed) {
            throw new BackendNotRunningException("backend '" + spec.name() + "' was closed; it cannot be detached");
        }
        current.detach(spec.healthPath());
        closed = true;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Stopping.end(current);
        }
    }
}
