package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendStartException;

/**
 * Starts the backends of one level, choosing the launcher by mode. All or nothing: if one start
 * fails, the others are interrupted at once (not left to run into their own timeouts), and what
 * had started is stopped before the failure is thrown.
 */
public final class BackendStarter {

    /** How long an aborted group waits for its other starts to clean up after themselves. */
    private static final long CLEANUP_WAIT_SECONDS = 30;
    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final Settings settings;
    private final ProcessLauncher processes;
    private final ReusingLauncher reusing;

    public BackendStarter(Settings settings) {
        this.settings = settings;
        this.processes = new ProcessLauncher(settings);
        this.reusing = new ReusingLauncher(settings, processes);
    }

    /** Starts one backend; {@code owner} (the test class, or the program) names its log files. */
    public RunningBackend start(BackendSpec spec, String owner) {
        return new RunningBackend(spec, launch(spec, owner), again -> launch(again, owner));
    }

    private LaunchedBackend launch(BackendSpec spec, String owner) {
        if (spec.mode().isContainer()) {
            // looked up only here, so that process mode never loads container code or Testcontainers
            return ContainerMode.launcher(spec, settings).start(spec, owner);
        }
        if (ReusingLauncher.applies(spec, settings)) {
            return reusing.start(spec, owner);
        }
        return processes.start(spec, owner);
    }

    /**
     * Starts all specs at once (a class with three backends waits for the slowest, not for the
     * sum) and returns them in declaration order. Each start waits only for the backends of
     * {@code specs} its env refers to; references to others are resolved from {@code visible}.
     * If any start fails or the calling thread is interrupted, the other starts are interrupted,
     * those that were ready are stopped, and the first failure is thrown.
     *
     * @param specs   checked by {@link EnvReferences#check} already
     * @param visible the running backends of enclosing levels, by name
     */
    public List<RunningBackend> startAll(List<BackendSpec> specs, String owner, Map<String, ? extends Backend> visible) {
        if (specs.size() == 1) {
            return List.of(start(EnvReferences.resolve(specs.get(0), visible::get), owner));
        }
        if (specs.isEmpty()) {
            return List.of();
        }
        Group group = new Group();
        int id = GROUPS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(specs.size(), task -> {
            // daemon threads, so a start that hangs can never keep the JVM alive
            Thread thread = new Thread(task, "managed-backend start " + id + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<RunningBackend> done = new ExecutorCompletionService<>(pool);
            Map<String, Future<RunningBackend>> starts = new ConcurrentHashMap<>();
            // Submitted so that every start comes after those it waits for: with one thread per
            // start, no start can wait for one that has no thread.
            for (BackendSpec spec : EnvReferences.dependencyOrder(specs, owner)) {
                starts.put(spec.name(), done.submit(() -> group.keep(start(EnvReferences.resolve(spec,
                        name -> starts.containsKey(name) ? awaitDependency(starts.get(name)) : visible.get(name)),
                        owner))));
            }
            Throwable failure = awaitAll(done, specs.size());
            if (failure == null) {
                return specs.stream().map(spec -> awaitDependency(starts.get(spec.name()))).toList(); // all done
            }
            starts.values().forEach(start -> start.cancel(true));
            pool.shutdown();
            awaitCleanup(pool);
            group.abort(failure);
            throw asUnchecked(failure);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Null once every start succeeded; else the first failure (or the interrupt of the caller). */
    private static Throwable awaitAll(CompletionService<RunningBackend> done, int count) {
        for (int i = 0; i < count; i++) {
            try {
                done.take().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (!(cause instanceof DependencyFailed)) { // a dependent fails with its target's failure
                    return cause;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new BackendStartException("interrupted while starting backends; the starts were "
                        + "stopped and nothing of them is left running", e);
            }
        }
        return null;
    }

    private static RunningBackend awaitDependency(Future<RunningBackend> target) {
        try {
            return target.get();
        } catch (ExecutionException e) {
            throw new DependencyFailed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DependencyFailed();
        }
    }

    private static void awaitCleanup(ExecutorService pool) {
        boolean interrupted = Thread.interrupted(); // waited for even so: "nothing left running" needs it
        try {
            pool.awaitTermination(CLEANUP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException asUnchecked(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new BackendStartException("a backend start failed: " + failure, failure);
    }

    /**
     * The backends of a group that became ready. Once the group is aborted, it stops them, and
     * any start that finishes later (one that ignored its interrupt) stops its own backend.
     */
    private static final class Group {
        private final List<RunningBackend> ready = new ArrayList<>();
        private boolean aborted;

        synchronized RunningBackend keep(RunningBackend backend) {
            if (aborted) {
                backend.close();
                throw new DependencyFailed();
            }
            ready.add(backend);
            return backend;
        }

        void abort(Throwable failure) {
            List<RunningBackend> toStop;
            synchronized (this) {
                aborted = true;
                toStop = new ArrayList<>(ready);
            }
            for (int i = toStop.size() - 1; i >= 0; i--) {
                try {
                    toStop.get(i).close();
                } catch (RuntimeException suppressed) {
                    failure.addSuppressed(suppressed);
                }
            }
        }
    }

    /** A start that did not run because one it waits for failed (that failure is reported). */
    private static final class DependencyFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DependencyFailed() {
            super(null, null, false, false);
        }
    }
}
