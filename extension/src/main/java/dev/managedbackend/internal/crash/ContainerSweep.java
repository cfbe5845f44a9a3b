package dev.managedbackend.internal.crash;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;

import dev.managedbackend.internal.os.AtExit;
import dev.managedbackend.internal.os.Logs;

/**
 * The part of a ledger sweep that talks to Docker engines, bounded: one engine's containers are
 * removed on a daemon thread of their own, and the sweep waits for it no longer than a bound. An
 * engine that hangs or cannot be reached keeps the entries of its containers, and the sweep says
 * which engine and why, once. A start runs it in the background ({@link #inBackground}), so that
 * no start waits on an engine; the JVM's exit waits for it, bounded.
 */
final class ContainerSweep {

    private static final Logger LOG = Logs.logger();
    private static final Set<Thread> RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK = new AtomicBoolean();

    private ContainerSweep() {
    }

    /** Runs {@code sweep} on a daemon thread; the JVM's exit waits for it up to the sweep's bound. */
    static void inBackground(Runnable sweep) {
        Thread thread = new Thread(() -> {
            try {
                sweep.run();
            } finally {
                RUNNING.remove(Thread.currentThread());
            }
        }, "managed-backend sweep of containers");
        thread.setDaemon(true);
        RUNNING.add(thread);
        if (HOOK.compareAndSet(false, true)) {
            AtExit.run(AtExit.Phase.STOP, "finish the sweep of containers", ContainerSweep::awaitAtExit);
        }
        thread.start();
    }

    private static void awaitAtExit() {
        long end = System.nanoTime() + LedgerSweep.ENGINE_BOUND.plusSeconds(1).toNanos();
        for (Thread thread : List.copyOf(RUNNING)) {
            try {
                thread.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Removes the containers of {@code entries}, all recorded on {@code engine}, one after another,
     * within {@code bound}.
     *
     * @return per entry: empty if its container is gone, else why not
     */
    static Map<LedgerEntry, String> onEngine(ContainerRemover remover, String engine, List<LedgerEntry> entries,
            Duration bound) {
        Map<LedgerEntry, String> outcomes = new ConcurrentHashMap<>();
        String[] engineProblem = new String[1];
        Thread worker = new Thread(() -> {
            for (LedgerEntry entry : entries) {
                try {
                    outcomes.put(entry, remover.remove(entry.containerId(), entry.dockerHost()) ? ""
                            : "not removed by " + remover);
                } catch (ContainerRemover.EngineUnavailable e) {
                    synchronized (engineProblem) {
                        engineProblem[0] = e.getMessage();
                    }
                    return;
                } catch (RuntimeException e) {
                    outcomes.put(entry, "not removed by " + remover + ": " + e);
                }
            }
        }, "managed-backend remove containers on " + describe(engine));
        worker.setDaemon(true); // an engine that never answers must not keep the JVM alive
        worker.start();
        try {
            worker.join(bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String problem;
        synchronized (engineProblem) {
            problem = engineProblem[0] != null ? engineProblem[0]
                    : worker.isAlive() ? "it did not answer within " + bound.toSeconds() + " s" : null;
        }
        Map<LedgerEntry, String> result = new LinkedHashMap<>();
        int left = 0;
        for (LedgerEntry entry : entries) {
            String outcome = outcomes.get(entry);
            if (outcome == null) {
                left++;
                outcome = "the engine " + describe(engine) + " could not be used (" + problem + ")";
            }
            result.put(entry, outcome);
        }
        if (left > 0) { // once per engine, whatever the number of its containers
            LOG.warn("managed-backend: the Docker engine " + describe(engine) + " could not be used to remove what "
                    + "dead test JVMs left there: " + problem + ". Kept the ledger entries of its " + left
                    + " container(s) for the next sweep (managed-backend reap, or the next test run); nothing waits "
                    + "for that engine meanwhile.");
        }
        return result;
    }

    /** The engine as a user would name it. */
    static String describe(String engine) {
        if (!engine.isEmpty()) {
            return engine;
        }
        String dockerHost = System.getenv("DOCKER_HOST");
        return dockerHost == null || dockerHost.isBlank() ? "unix:///var/run/docker.sock (the default)"
                : dockerHost + " (DOCKER_HOST)";
    }
}
