package dev.managedbackend.terminal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.crash.LedgerSweep;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * The ledger sweep a test JVM runs before its first backend, on demand: what dead test JVMs, dead
 * runs and dead detached backends left behind, stopped by their tags and removed.
 *
 * @param entries    how many ledger entries it worked on
 * @param swept      those entries, described ("backend 'api' of test JVM 4242 (pid ...)")
 * @param stopped    the processes it stopped
 * @param containers the containers it removed
 * @param kept       what it could not remove (the next sweep tries again)
 */
public record Reap(int entries, List<String> swept, List<Long> stopped, List<String> containers, List<String> kept) {

    public boolean isEmpty() {
        return entries == 0;
    }

    /** Sweeps the ledger of {@code stateDir} now. */
    public static Reap now(Path stateDir) throws IOException, StateFolderNotPrivate {
        try {
            LedgerSweep.Result result = CrashGuard.sweepNow(stateDir);
            return new Reap(result.entries(), result.swept(), result.stopped(), result.containers(), result.kept());
        } catch (PrivateFolder.NotPrivate e) {
            throw new StateFolderNotPrivate(e);
        }
    }

    /** What {@link #now} would do, one line per entry, doing nothing. */
    public static List<String> preview(Path stateDir) throws IOException, StateFolderNotPrivate {
        try {
            return CrashGuard.sweepPreview(stateDir);
        } catch (PrivateFolder.NotPrivate e) {
            throw new StateFolderNotPrivate(e);
        }
    }
}
