package dev.managedbackend.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.managedbackend.internal.os.AtExit;

/**
 * Every backend of this JVM that is still running, so that the shutdown hook ({@link AtExit}) can stop those
 * JUnit did not close: {@code System.exit}, Ctrl-C, SIGTERM to Maven. (SIGKILL runs no hook.)
 */
public final class LiveBackends {

    private static final Set<LaunchedBackend> LIVE = ConcurrentHashMap.newKeySet();

    static {
        AtExit.run(AtExit.Phase.STOP, "stop backends", LiveBackends::stopAll);
    }

    private LiveBackends() {
    }

    public static void add(LaunchedBackend backend) {
        LIVE.add(backend);
    }

    public static void remove(LaunchedBackend backend) {
        LIVE.remove(backend);
    }

    /** Stops all in parallel: the JVM is on its way out and should not wait for one after another. */
    private static void stopAll() {
        AtExit.inParallel(List.copyOf(LIVE), backend -> "stop " + backend.name(), LaunchedBackend::close);
    }
}
