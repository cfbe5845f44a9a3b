package dev.managedbackend.internal.os;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one way the extension stops processes: SIGTERM, a grace period, SIGKILL, and a check that
 * they are gone. The normal stop of a backend ({@link #stopTree}, {@link #stopTaggedTree} for a
 * forked one) and the ledger sweep of a dead JVM's leftovers ({@link #stop}) all run it; the watchdog script mirrors it in {@code sh}.
 *
 * <p>A process is signalled only if it is still running and still ours, asked right before each
 * signal (a pid can be reused by the time a grace period is over); signals go through
 * {@link ProcessHandle}, which checks the start time as well as the pid. What still runs at the
 * end is returned, so that the caller reports it and keeps it registered for the crash guard.
 * A thread that is interrupted skips the grace period but still waits for the kill to land (a
 * bounded wait), and keeps its interrupt flag.
 */
public final class ProcessStopper {

    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private ProcessStopper() {
    }

    /**
     * Stops {@code root} (the process we launched), its descendants and, with {@code pgid > 0},
     * the members of that process group that carry {@code tag}: those that re-parented (a
     * daemonizing server, workers of a parent that died), and any that appear during the stop.
     * Nothing but the root is signalled unless it carries the tag. Without {@code /proc} (macOS)
     * no other process's environment can be read cheaply, and the root's descendants count as
     * ours by ancestry.
     *
     * @return what still runs: stuck after SIGKILL, or left alone because it is not provably ours
     */
    public static List<ProcessHandle> stopTree(ProcessHandle root, long pgid, String tag, Duration grace) {
        return stopTree(root, true, pgid, tag, grace);
    }

    /**
     * As {@link #stopTree}, for a root this JVM did not launch and does not hold: a backend forked
     * by a prefork template is the JVM's grandchild. Nothing makes such a root ours but its tag,
     * so it too is signalled only while it carries {@code tag}.
     *
     * @return what still runs: stuck after SIGKILL, or left alone because it is not provably ours
     */
    public static List<ProcessHandle> stopTaggedTree(ProcessHandle root, long pgid, String tag, Duration grace) {
        return stopTree(root, false, pgid, tag, grace);
    }

    private static List<ProcessHandle> stopTree(ProcessHandle root, boolean held, long pgid, String tag,
            Duration grace) {
        Predicate<ProcessHandle> ours = process -> (held && process.pid() == root.pid())
                || (ProcessIdentity.hasProc() ? ProcessIdentity.carriesTag(process.pid(), tag) : process.isAlive());
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(tree::add);
        }
        return stop(tree, pgid > 0 ? () -> ProcessGroups.members(pgid, tag) : List::of, ours, grace);
    }

    /**
     * Stops {@code targets} and whatever {@code joiners} finds while they stop (scanned once
     * during the grace period and once after the kill), signalling only what {@code ours} accepts
     * at the moment of the signal.
     *
     * @return those of all of them that still run at the end
     */
    public static List<ProcessHandle> stop(Collection<ProcessHandle> targets, Supplier<List<ProcessHandle>> joiners,
            Predicate<ProcessHandle> ours, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(targets);
        signal(all, ours, false);
        // scanned while the others shut down, so the scan adds nothing to the stop's duration
        signal(join(all, joiners.get()), ours, false);
        if (Thread.currentThread().isInterrupted() || !awaitExit(all, grace)) {
            signal(all, ours, true);
            awaitKilled(all);
        }
        List<ProcessHandle> late = join(all, joiners.get());
        if (!late.isEmpty()) {
            signal(late, ours, true);
            awaitKilled(late);
        }
        return all.stream().filter(ProcessIdentity::isRunning).toList();
    }

    /** Adds to {@code all} those of {@code found} it does not hold yet; returns them. */
    private static List<ProcessHandle> join(List<ProcessHandle> all, List<ProcessHandle> found) {
        List<ProcessHandle> added = found.stream()
                .filter(candidate -> all.stream().noneMatch(known -> known.pid() == candidate.pid()))
                .toList();
        all.addAll(added);
        return added;
    }

    private static void signal(List<ProcessHandle> processes, Predicate<ProcessHandle> ours, boolean kill) {
        for (ProcessHandle process : processes) {
            if (ProcessIdentity.isRunning(process) && ours.test(process)) {
                if (kill) {
                    process.destroyForcibly();
                } else {
                    process.destroy();
                }
            }
        }
    }

    /**
     * Polls rather than {@link ProcessHandle#onExit()}: for a process that is not our child (every
     * descendant of the root) the JDK polls only every 300 ms and more, and it counts a zombie as
     * alive, so a stop would wait on a worker that is long gone. The first polls come after 1, 2,
     * 4 and 8 ms, then every {@link #POLL}: a server that exits within milliseconds of SIGTERM (a
     * forked one) is not waited for a whole poll interval.
     */
    private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (processes.stream().anyMatch(ProcessIdentity::isRunning)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(pause);
                pause = Math.min(POLL.toMillis(), pause * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // ends a grace period; a kill is waited for even so
                return false;
            }
        }
        return true;
    }

    /** Waits for a kill to land even when interrupted (a bounded wait), keeping the interrupt. */
    private static void awaitKilled(List<ProcessHandle> processes) {
        boolean interrupted = Thread.interrupted();
        try {
            while (!awaitExit(processes, KILL_WAIT) && Thread.interrupted()) {
                interrupted = true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
