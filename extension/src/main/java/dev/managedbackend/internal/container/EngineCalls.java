package dev.managedbackend.internal.container;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A question to the Docker engine that must not hang its caller: asked on a daemon thread of its
 * own and given up after a bound, with an answer that says "not known". For the questions that
 * run outside a start's deadline (is the container running, its exit code), so that an engine
 * that stops answering holds no test, stop or JVM exit.
 */
final class EngineCalls {

    /** How long one question may take. */
    static final Duration BOUND = Duration.ofSeconds(10);

    private EngineCalls() {
    }

    /** {@code call}'s answer, or {@code unknown} if it fails or takes longer than {@link #BOUND}. */
    static <T> T ask(Supplier<T> call, T unknown) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                answer.complete(call.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }, "managed-backend engine call");
        thread.setDaemon(true);
        thread.start();
        try {
            return answer.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return unknown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown;
        }
    }
}
