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
 * the backend's environment tag. Nothing but the root is signalled unless it carries the tag,
 * checked right before each signal; signals go through {@link ProcessHandle}, which checks the
 * start time as well as the pid.
 */
final class ProcessTreeStopper {

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(10);

    private ProcessTreeStopper() {
    }

    /**
     * Stops {@code root} and its descendants and, with {@code pgid > 0}, the members of that
     * process group that carry {@code tag} in their environment. Returns what is still running
     * after SIGKILL (a process stuck in the kernel), or was left alone because it is not provably
     * ours; the caller reports it and keeps it registered for the crash guard. A thread that is
     * interrupted skips the grace period, but still waits for the kill to land (a bounded wait),
     * and keeps its interrupt flag.
     */
    static List<ProcessHandle> stop(ProcessHandle root, long pgid, String tag, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        List<ProcessHandle> notOurs = new ArrayList<>();
        tree.add(root);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(process -> (isOurs(process, root, tag) ? tree : notOurs).add(process));
        }
        signal(tree, root, tag, false);
        if (pgid > 0) {
            // scanned while the tree shuts down, so the scan adds nothing to the stop's duration
            ProcessGroups.members(pgid, tag).stream()
                    .filter(member -> tree.stream().noneMatch(known -> known.pid() == member.pid()))
                    .forEach(member -> {
                        signal(List.of(member), root, tag, false);
                        tree.add(member);
                    });
        }
        if (Thread.currentThread().isInterrupted() || !awaitExit(tree, grace)) {
            signal(tree, root, tag, true);
            awaitKilled(tree);
        }
        if (pgid > 0) {
            List<ProcessHandle> stragglers = ProcessGroups.members(pgid, tag);
            signal(stragglers, root, tag, true);
            awaitKilled(stragglers);
            stragglers.stream().filter(s -> tree.stream().noneMatch(known -> known.pid() == s.pid())).forEach(tree::add);
        }
        List<ProcessHandle> left = new ArrayList<>(notOurs.stream().filter(ProcessIdentity::isRunning).toList());
        tree.stream().filter(ProcessIdentity::isRunning).forEach(left::add);
        return left;
    }

    /**
     * Signals those of {@code processes} that still run and are still ours, checked right before
     * the signal: a pid can be reused by the time a grace period is over.
     */
    private static void signal(List<ProcessHandle> processes, ProcessHandle root, String tag, boolean kill) {
        for (ProcessHandle process : processes) {
            if (ProcessIdentity.isRunning(process) && isOurs(process, root, tag)) {
                if (kill) {
                    process.destroyForcibly();
                } else {
                    process.destroy();
                }
            }
        }
    }

    /**
     * The root is the child we launched and still hold (its pid cannot be reused before we reap
     * it); anything else must carry the backend's tag. Without {@code /proc} (macOS) no other
     * process's environment can be read cheaply, and the root's descendants count as ours by
     * ancestry (ProcessHandle checks their start time, so a reused pid is not one of them).
     */
    private static boolean isOurs(ProcessHandle process, ProcessHandle root, String tag) {
        if (process.pid() == root.pid()) {
            return true;
        }
        return ProcessIdentity.hasProc() ? ProcessIdentity.carriesTag(process.pid(), tag) : process.isAlive();
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
                Thread.currentThread().interrupt(); // ends a grace period; the kill is waited for even so
                return false;
            }
        }
        return true;
    }

    /** Waits for a kill to land even when interrupted (a bounded wait), keeping the interrupt. */
    private static void awaitKilled(List<ProcessHandle> tree) {
        boolean interrupted = Thread.interrupted();
        try {
            while (!awaitExit(tree, KILL_WAIT) && Thread.interrupted()) {
                interrupted = true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
