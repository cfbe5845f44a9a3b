package dev.managedbackend.internal;

import java.time.Duration;

import org.slf4j.Logger;

import dev.managedbackend.internal.os.Logs;

/** Stops a backend and says so in one INFO line, the counterpart of the "ready" line. */
public final class Stopping {

    private static final Logger LOG = Logs.logger();

    private Stopping() {
    }

    /** The end of a backend's scope: stops it, or gives a reused one back (it says so itself). */
    public static void end(LaunchedBackend backend) {
        if (!backend.isReused()) {
            stop(backend);
            return;
        }
        UrlProperty.clear(backend);
        backend.release();
    }

    public static void stop(LaunchedBackend backend) {
        UrlProperty.clear(backend);
        // a container's state is an engine call, up to its bound on a hung engine: asked of processes only
        boolean exitedAlready = backend.pid().isPresent() && !backend.isRunning();
        long start = System.nanoTime();
        backend.close();
        LOG.info("backend '{}' stopped in {} ms ({}{})", backend.name(),
                Duration.ofNanos(System.nanoTime() - start).toMillis(),
                backend.pid().isPresent() ? "pid " + backend.pid().getAsLong()
                        : "container " + backend.containerId().orElse("?"),
                exitedAlready ? ", had exited already" : "");
    }
}
