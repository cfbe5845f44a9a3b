package dev.managedbackend.terminal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * One backend that the command line's {@code start} started, as its ledger entry records it:
 * found from any terminal of this user that uses the same state folder, stopped by identity. Not
 * a {@code Backend}: no object of this JVM holds it; its facts are those of the moment it was listed.
 */
public final class DetachedBackend {

    private final DetachedBackends.Found found;

    private DetachedBackend(DetachedBackends.Found found) {
        this.found = found;
    }

    /** Every detached backend of {@code stateDir}, oldest first; dead ones too (what {@code reap} removes). */
    public static List<DetachedBackend> list(Path stateDir) throws IOException, StateFolderNotPrivate {
        try {
            return DetachedBackends.list(stateDir).stream().map(DetachedBackend::new).toList();
        } catch (PrivateFolder.NotPrivate e) {
            throw new StateFolderNotPrivate(e);
        }
    }

    public String name() {
        return found.name();
    }

    /** Its root process. */
    public long pid() {
        return found.pid();
    }

    public String url() {
        return found.url();
    }

    /** The path its readiness was checked on; {@code ""}: its port listening was enough. */
    public String healthPath() {
        return found.healthPath();
    }

    public Path logFile() {
        return found.logFile();
    }

    public Instant started() {
        return found.started();
    }

    /** Whether its root process ran (that very process, carrying its tag) when it was listed. */
    public boolean alive() {
        return found.alive();
    }

    /** Whether its root process (that very process: pid and start stamp) runs now. */
    public boolean runsNow() {
        return ProcessIdentity.isAlive(found.pid(), found.pidStart());
    }

    /**
     * Stops it with the library's one stop routine: SIGTERM, {@code grace}, SIGKILL, to its whole
     * tree and process group, each process only if it carries the backend's tag. Its entry is
     * removed once nothing of it runs.
     *
     * @return what still runs: stuck after SIGKILL, or not provably the backend's
     */
    public List<ProcessHandle> stop(Duration grace) {
        return DetachedBackends.stop(found, grace);
    }
}
