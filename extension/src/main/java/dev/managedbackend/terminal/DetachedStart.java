package dev.managedbackend.terminal;

import java.io.IOException;
import java.nio.file.Path;

import dev.managedbackend.Backend;
import dev.managedbackend.internal.RunningBackend;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * A start whose backend outlives the JVM that started it (the command line's {@code start}): the
 * backend is started by {@code BackendBuilder.start()} like any other, then handed over to itself.
 */
public final class DetachedStart {

    /**
     * The environment variable that marks a backend to be detached ({@code "1"}) or not ({@code ""}):
     * its watchdog then leaves it alone when the starting JVM exits.
     */
    public static final String VARIABLE = OwnerTag.DETACHED_VARIABLE;

    /** The system property that turns the crash guard (and with it detached starts) off. */
    public static final String CRASH_GUARD_PROPERTY = CrashGuard.ENABLED_PROPERTY;

    private DetachedStart() {
    }

    /** False when {@code -Dmanagedbackend.crashGuard=false} turned off the ledger a detached backend needs. */
    public static boolean possible() {
        return CrashGuard.enabled();
    }

    /**
     * Held while a start checks that no backend of {@code name} runs and starts its own, so that of
     * two such starts at once only one succeeds; waits at most two minutes for the other.
     */
    public static AutoCloseable reserveName(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        try {
            return DetachedBackends.reserveName(stateDir, name);
        } catch (PrivateFolder.NotPrivate e) {
            throw new StateFolderNotPrivate(e);
        }
    }

    /**
     * Hands {@code started} (from {@code BackendBuilder.start()}, with {@link #VARIABLE} set to
     * {@code "1"}) over to itself: its ledger entry records it as detached, and this JVM lets go of it.
     *
     * @throws IllegalArgumentException when {@code started} did not come from {@code BackendBuilder.start()}
     */
    public static void handOver(Backend started) {
        if (!(started instanceof RunningBackend running)) {
            throw new IllegalArgumentException("only a backend that BackendBuilder.start() returned can be detached, "
                    + "not " + started.getClass().getName());
        }
        running.detach();
    }
}
