package dev.managedbackend.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Where a process-mode backend is stopped: SIGTERM to the whole tree, a bounded grace period,
 * then SIGKILL to whatever is left.
 *
 * <p>The tree is read before the first signal: once a parent exits, its children are re-parented
 * and no longer show up as its descendants. Signals go through {@link ProcessHandle}, which
 * checks the start time as well as the pid, so a pid that was reused by an unrelated process is
 * never signalled.
 */
final class ProcessTreeStopper {

    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private ProcessTreeStopper() {
    }

    /** Stops {@code root} and its descendants; returns once all are gone or SIGKILL did not help. */
    static void stop(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            descendants.forEach(tree::add);
        }
        tree.forEach(ProcessHandle::destroy);
        if (awaitExit(tree, grace)) {
            return;
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitExit(tree, KILL_WAIT);
    }

    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
        CompletableFuture<?>[] exits = tree.stream().map(ProcessHandle::onExit)
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return tree.stream().noneMatch(ProcessHandle::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // keep the flag, but still make sure of the kill
            return false;
        }
    }
}
