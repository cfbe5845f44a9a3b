package dev.managedbackend.internal.os;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The one way processes are stopped, by the normal stop of a backend, the ledger sweep, a
 * detached backend's stop, prefork and the command line's {@code run}: SIGTERM, a grace period,
 * SIGKILL, and a check that they are gone. The watchdog script mirrors it in {@code sh}.
 *
 * <p>One ownership rule, asked right before each signal (a pid can be reused by the time a
 * grace period is over): a process is signalled only if it runs and carries the tag it was
 * started with ({@link OwnerTag#isCarriedBy}), or it is the very child process this JVM launched
 * and still holds (not reaped, so its pid cannot have been reused). No caller passes a rule of
 * its own. Signals go through {@link ProcessHandle}, which checks the start time as well as the
 * pid. What still runs at the end is returned, so that the caller reports it and keeps it
 * registered for the crash guard. A thread that is interrupted skips the grace period but still
 * waits for the kill to land (a bounded wait), and keeps its interrupt flag.
 */
public final class ProcessStopper {

    private static final Duration POLL = Duration.ofMillis(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private ProcessStopper() {
    }

    /**
     * Stops {@code root}, its descendants and, with {@code pgid > 0}, the members of that process
     * group that carry {@code tag}: those that re-parented (a daemonizing server, workers of a
     * parent that died), and any that appear during the stop.
     *
     * @param held whether {@code root} is this JVM's own child, launched by it and not reaped (a
     *             backend forked by a prefork template is not: it is the JVM's grandchild)
     * @return what still runs: stuck after SIGKILL, or left alone because it is not provably ours
     */
    public static List<ProcessHandle> stopTree(ProcessHandle root, boolean held, long pgid, String tag,
            Duration grace) {
        Map<ProcessHandle, String> tree = new LinkedHashMap<>();
        tree.put(root, tag);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(process -> tree.put(process, tag));
        }
        return stop(tree, held ? root : null, pgid > 0 ? () -> ProcessGroups.members(pgid, tag) : List::of, tag,
                grace);
    }

    /**
     * Stops the child process this JVM launched with {@code tag} and still holds; not its
     * descendants.
     *
     * @return it, if it still runs at the end
     */
    public static List<ProcessHandle> stopChild(Process child, String tag, Duration grace) {
        ProcessHandle handle = child.toHandle();
        return stop(Map.of(handle, tag), handle, List::of, tag, grace);
    }

    /**
     * Stops processes found by their tags (each its own, e.g. a dead JVM's backends found by a
     * sweep), each signalled only while it still carries its tag.
     *
     * @return those that still run at the end
     */
    public static List<ProcessHandle> stopTagged(Map<ProcessHandle, String> tagged, Duration grace) {
        return stop(tagged, null, List::of, null, grace);
    }

    /**
     * The routine: {@code targets} and whatever {@code joiners} finds while they stop (scanned
     * once during the grace period and once after the kill; they carry {@code joinerTag}).
     */
    private static List<ProcessHandle> stop(Map<ProcessHandle, String> targets, ProcessHandle heldChild,
            Supplier<List<ProcessHandle>> joiners, String joinerTag, Duration grace) {
        Map<Long, String> tags = new LinkedHashMap<>();
        targets.forEach((process, tag) -> tags.put(process.pid(), tag));
        Predicate<ProcessHandle> ours = process -> (heldChild != null && process.equals(heldChild))
                || OwnerTag.isCarriedBy(process, tags.getOrDefault(process.pid(), joinerTag));
        List<ProcessHandle> all = new ArrayList<>(targets.keySet());
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
