package dev.managedbackend.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every backend of this JVM that is still running, so that a JVM shutdown hook can stop those
 * JUnit did not close: {@code System.exit}, Ctrl-C, SIGTERM to Maven. (SIGKILL runs no hook.)
 */
public final class LiveBackends {

    private static final Set<LaunchedBackend> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private LiveBackends() {
    }

    public static void add(LaunchedBackend backend) {
        installHook();
        LIVE.add(backend);
    }

    public static void remove(LaunchedBackend backend) {
        LIVE.remove(backend);
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (LiveBackends.class) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(LiveBackends::stopAll,
                        "managed-backend shutdown"));
                hookInstalled = true;
            }
        }
    }

    /** Stops all in parallel: the JVM is on its way out and should not wait for one after another. */
    private static void stopAll() {
        List<Thread> stoppers = LIVE.stream()
                .map(backend -> new Thread(backend::close, "managed-backend stop " + backend.name()))
                .toList();
        stoppers.forEach(Thread::start);
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
