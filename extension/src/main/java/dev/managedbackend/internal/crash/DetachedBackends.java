package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.managedbackend.internal.os.BoundedLock;
import dev.managedbackend.internal.os.PrivateFiles;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessGroups;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;

/**
 * The backends that outlive the JVM that started them (the command line's {@code start}; see
 * {@link CrashGuard.Registration#detach}), as their ledger entries record them: found from any
 * JVM of this user that uses the same state folder, and stopped by identity.
 *
 * <p>A detached backend's entry is owned by its own root process, so the sweep of dead JVMs'
 * entries leaves it alone while that process runs; once it is gone, the sweep (or the command
 * line's {@code reap}) stops whatever of it is left, by its tag, like a dead JVM's.
 */
public final class DetachedBackends {

    /** How long a start waits for another start of the same name: longer than a default start takes. */
    private static final Duration NAME_WAIT = Duration.ofMinutes(2);

    private DetachedBackends() {
    }

    /**
     * One detached backend.
     *
     * @param alive whether its root process runs (the very process: pid and start stamp) and still
     *              carries its tag
     */
    public record Found(Path entry, String name, long pid, long pidStart, long pgid, String tag, String command, String url,
            String healthPath, Path logFile, Instant started, boolean alive) {
    }

    /** Every detached backend of {@code stateDir}, oldest first; dead ones too (what {@code reap} removes). */
    public static List<Found> list(Path stateDir) throws IOException, PrivateFolder.NotPrivate {
        List<Found> found = new ArrayList<>();
        for (Path file : Ledger.open(stateDir).detachedEntries()) {
            LedgerEntry entry;
            try {
                entry = Ledger.read(file);
            } catch (IOException e) {
                continue; // stopped meanwhile
            }
            if (entry.detached() == null) {
                continue;
            }
            boolean alive = ProcessIdentity.isAlive(entry.pid(), entry.pidStart())
                    && ProcessIdentity.carriesTag(entry.pid(), entry.tag());
            found.add(new Found(file, entry.name(), entry.pid(), entry.pidStart(), entry.pgid(), entry.tag(), entry.command(),
                    entry.detached().url(), entry.detached().healthPath(), Path.of(entry.detached().logFile()),
                    Instant.ofEpochMilli(entry.detached().startedMillis()), alive));
        }
        found.sort(Comparator.comparing(Found::started));
        return found;
    }

    /**
     * Stops a detached backend with the one stop routine: SIGTERM, {@code grace}, SIGKILL, to its
     * root, the root's descendants and the members of its process group, each only if it carries
     * the backend's tag, read right before each signal (this JVM did not launch it, so not even
     * the root is taken on trust). Its entry is removed once nothing of it runs.
     *
     * @return what still runs: stuck after SIGKILL, or not provably the backend's
     */
    public static List<ProcessHandle> stop(Found backend, Duration grace) {
        Optional<ProcessHandle> root = ProcessHandle.of(backend.pid())
                .filter(handle -> ProcessIdentity.isAlive(backend.pid(), backend.pidStart()));
        List<ProcessHandle> left;
        if (root.isPresent()) {
            left = ProcessStopper.stopTree(root.get(), false, backend.pgid(), backend.tag(), grace);
        } else { // its root is gone: what is left of its group, by its tag
            Map<ProcessHandle, String> members = new LinkedHashMap<>();
            if (backend.pgid() > 0) {
                ProcessGroups.members(backend.pgid(), backend.tag()).forEach(p -> members.put(p, backend.tag()));
            }
            left = ProcessStopper.stopTagged(members, grace);
        }
        if (left.isEmpty()) {
            Ledger.remove(backend.entry());
        }
        return left;
    }

    /**
     * Held while a detached start of {@code name} checks that none of that name runs and starts
     * its own, so that two such starts at the same moment cannot both succeed: the second waits
     * here, then finds the first. An OS lock on one byte (chosen by the name's hash) of
     * {@code <stateDir>/starts.lock}, so the kernel drops it if the starting JVM dies. Waits at
     * most two minutes for a start that holds it, then fails naming that process.
     */
    public static AutoCloseable reserveName(Path stateDir, String name) throws IOException, PrivateFolder.NotPrivate {
        return reserveName(stateDir, name, NAME_WAIT);
    }

    /**
     * {@link #reserveName(Path, String)}, waiting at most {@code wait} for a start of the same
     * name to finish; then it fails, naming the process that holds the name.
     */
    public static AutoCloseable reserveName(Path stateDir, String name, Duration wait)
            throws IOException, PrivateFolder.NotPrivate {
        PrivateFiles files = PrivateFiles.in(stateDir, "The managed-backend state folder");
        Path file = files.dir().resolve("starts.lock");
        return BoundedLock.holding(files.openShared("starts.lock"), file, Math.floorMod(name.hashCode(), 1 << 20), 1,
                wait, "another start of a backend named '" + name + "'");
    }
}
