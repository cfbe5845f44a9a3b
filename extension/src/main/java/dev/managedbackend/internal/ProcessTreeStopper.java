package dev.managedbackend.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.managedbackend.internal.crash.ProcessGroups;
import dev.managedbackend.internal.crash.ProcessIdentity;

/**
 * Where a process-mode backend is stopped: SIGTERM to the whole tree, a bounded grace period,
 * then SIGKILL to whatever is left.
 *
 * <p>The tree is read before the first signal: once a parent exits, its children are re-parented
 * and no longer show up as its descendants. A backend that leads a process group of its own
 * (see {@code ProcessGroups}) also has the members of that group stopped that are no longer its
 * descendants (re-parented earlier: a daemonizing server, workers of a parent that died), and
 * after the stop any member that appeared meanwhile is killed; a member counts only if it carries
 * the backend's environment tag. Signals go through {@link ProcessHandle}, which checks the start
 * time as well as the pid, so a pid that was reused by an unrelated process is never signalled.
 */
final class ProcessTreeStopper {

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(10);

    private ProcessTreeStopper() {
    }

    /** Stops {@code root} and its descendants; returns once all are gone or SIGKILL did not help. */
    static void stop(ProcessHandle root, Duration grace) {
        stop(root, 0, "", grace);
    }

    /**
     * Stops {@code root} and its descendants and, with {@code pgid > 0}, the members of that
     * process group that carry {@code tag} in their environment.
     */
    static void stop(ProcessHandle root, long pgid, String tag, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(tree::add);
        }
        tree.forEach(ProcessHandle::destroy);
        if (pgid > 0) {
            // scanned while the tree shuts down, so the scan adds nothing to the stop's duration
            ProcessGroups.members(pgid, tag).stream()
                    .filter(member -> tree.stream().noneMatch(known -> known.pid() == member.pid()))
                    .forEach(member -> {
                        member.destroy();
                        tree.add(member);
                    });
        }
        if (!awaitExit(tree, grace)) {
            tree.stream().filter(ProcessIdentity::isRunning).forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree, KILL_WAIT);
        }
        if (pgid > 0) {
            List<ProcessHandle> stragglers = ProcessGroups.members(pgid, tag);
            stragglers.forEach(ProcessHandle::destroyForcibly);
            awaitExit(stragglers, KILL_WAIT);
        }
    }

    /**
     * Polls rather than {@link ProcessHandle#onExit()}: for a process that is not our child (every
     * descendant of the root) the JDK polls only every 300 ms and more, and it counts a zombie as
     * alive, so a stop would wait on a worker that is long gone.
     */
    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tree.stream().anyMatch(ProcessIdentity::isRunning)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // keep the flag, but still make sure of the kill
                return false;
            }
        }
        return true;
    }
}
