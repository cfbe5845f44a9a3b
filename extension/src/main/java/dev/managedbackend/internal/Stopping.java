package dev.managedbackend.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;

/** Stops a backend and says so in one INFO line, the counterpart of the "ready" line. */
public final class Stopping {

    private static final System.Logger LOG = System.getLogger("dev.managedbackend");

    private Stopping() {
    }

    public static void stop(LaunchedBackend backend) {
        UrlProperty.clear(backend);
        boolean wasRunning = backend.isRunning();
        long start = System.nanoTime();
        backend.close();
        LOG.log(Level.INFO, () -> String.format("backend '%s' stopped in %d ms (%s%s)", backend.name(),
                Duration.ofNanos(System.nanoTime() - start).toMillis(),
                backend.pid().isPresent() ? "pid " + backend.pid().getAsLong()
                        : "container " + backend.containerId().orElse("?"),
                wasRunning ? "" : ", had exited already"));
    }
}
