package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts the backends of one level, choosing the launcher by mode. All or nothing: if one start
 * fails, those started with it are stopped before the failure is thrown.
 */
public final class BackendStarter {

    private final Settings settings;
    private final ProcessLauncher processes;

    public BackendStarter(Settings settings) {
        this.settings = settings;
        this.processes = new ProcessLauncher(settings);
    }

    public RunningBackend start(BackendSpec spec, String owner) {
        if (spec.mode().isContainer()) {
            // looked up only here, so that process mode never loads container code or Testcontainers
            return ContainerMode.launcher(spec, settings).start(spec, owner);
        }
        return processes.start(spec, owner);
    }

    /**
     * Starts all specs at once (a class with three backends waits for the slowest, not for the
     * sum) and returns them in declaration order. If any start fails, the others are stopped and
     * the first failure is thrown, with the rest attached as suppressed.
     */
    public List<RunningBackend> startAll(List<BackendSpec> specs, String owner) {
        if (specs.size() <= 1) {
            return specs.stream().map(spec -> start(spec, owner)).toList();
        }
        // Each start waits only for the backends its env refers to (EnvReferences), if any.
        Map<String, CompletableFuture<RunningBackend>> starts = new LinkedHashMap<>();
        for (BackendSpec spec : EnvReferences.ordered(specs, Object.class)) {
            CompletableFuture<?>[] targets = EnvReferences.targets(spec).stream().map(starts::get)
                    .toArray(CompletableFuture[]::new);
            starts.put(spec.name(), CompletableFuture.allOf(targets).thenApplyAsync(ignored -> {
                Map<String, RunningBackend> ready = new HashMap<>();
                EnvReferences.targets(spec).forEach(name -> ready.put(name, starts.get(name).join()));
                return start(EnvReferences.resolve(spec, ready), owner);
            }, STARTER_THREADS));
        }
        List<RunningBackend> started = new ArrayList<>();
        Throwable failure = null;
        for (BackendSpec spec : specs) {
            try {
                started.add(starts.get(spec.name()).join());
            } catch (CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (failure == null) {
                    failure = cause;
                } else if (failure != cause) { // a dependent fails with its target's failure
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure == null) {
            return started;
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(failure);
    }

    /** Daemon threads, so a start that hangs can never keep the JVM alive. */
    private static final ExecutorService STARTER_THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "managed-backend start");
        thread.setDaemon(true);
        return thread;
    });
}
