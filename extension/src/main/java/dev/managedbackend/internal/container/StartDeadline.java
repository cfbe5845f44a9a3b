package dev.managedbackend.internal.container;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.Caller;
import dev.managedbackend.internal.os.AtExit;
import dev.managedbackend.internal.os.JvmIdentity;

/**
 * The {@code startupTimeoutSeconds} of one container start, which bounds all of it: Testcontainers'
 * preparation, pulling or building the image, creating and starting the container, readiness.
 *
 * <p>Docker and Testcontainers calls block, and some ignore interrupts (Testcontainers retries an
 * interrupted pull for two minutes). So the blocking part of a start runs on a daemon thread of
 * its own ({@link #run}) while the caller waits for it until the deadline; then the thread is
 * interrupted and left behind, and the start fails with the {@link Step} it had reached, which the
 * start marks as it goes ({@link #at}). Whatever the thread makes after that is removed: by the
 * thread once it ends, at once if it is stuck, and at JVM exit, which waits for it a while.
 */
final class StartDeadline {

    /**
     * How long a start that missed its deadline gets to end after its interrupt (and how long the
     * removal of what it made gets), so that nothing of it is left when the failure is reported.
     */
    private static final Duration GRACE = Duration.ofSeconds(1);
    /** How long the JVM's exit waits for the threads of given-up starts that still run. */
    private static final Duration AT_EXIT = Duration.ofSeconds(10);
    private static final AtomicInteger STARTS = new AtomicInteger();
    private static final Set<StartDeadline> STILL_RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    /** What a start is doing at a moment, and what to do should that take longer than its bound. */
    record Step(String doing, String advice) {
    }

    private final BackendSpec spec;
    private final long deadline;
    private final String id = JvmIdentity.self() + "-" + STARTS.incrementAndGet();
    private final Object lock = new Object();
    private volatile Step step = new Step("starting", "");
    private volatile Thread worker;
    private volatile Runnable removeLeftovers = () -> { };
    private boolean done;
    private boolean abandoned;
    private Object result;
    private Throwable failure;

    /** The deadline of a start of {@code spec} that begins now. */
    StartDeadline(BackendSpec spec) {
        this.spec = spec;
        this.deadline = System.nanoTime() + spec.startupTimeout().toNanos();
    }

    /** Unique on every engine: the value of {@link ContainerLauncher#START_LABEL} on its container. */
    String id() {
        return id;
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /**
     * Marks the step the start is at. On the start's own thread, also the check that it was not
     * given up: a step that ended after the deadline must not begin the next one.
     */
    void at(Step next) {
        synchronized (lock) {
            if (abandoned && Thread.currentThread() == worker) {
                throw new GivenUp();
            }
        }
        step = next;
    }

    Step step() {
        return step;
    }

    /**
     * Runs {@code work} on a daemon thread and returns what it returns (or throws what it throws),
     * if it ends by the deadline. Else the thread is interrupted, and the failure that
     * {@code timedOut} makes of the step it was at is thrown, once the thread ended or
     * {@link #GRACE} passed. A result it returns later is handed to {@code discard}; then, or
     * after {@link #GRACE} if it is still running, {@code removeLeftovers} removes what it made.
     */
    <T> T run(Callable<T> work, Consumer<T> discard, Runnable removeLeftovers,
            Function<Step, BackendStartException> timedOut) {
        Caller caller = Caller.current(); // the start's words, for the messages the work makes
        Thread thread = new Thread(() -> {
            T value = null;
            Throwable thrown = null;
            try {
                value = Caller.as(caller, work::call);
            } catch (Throwable t) {
                thrown = t;
            }
            boolean late;
            synchronized (lock) {
                late = abandoned;
                if (!late) {
                    result = value;
                    failure = thrown;
                    done = true;
                    lock.notifyAll();
                }
            }
            if (late) {
                Thread.interrupted(); // the interrupt was for the work; the clean-up must not fail of it
                try {
                    if (value != null) {
                        discard.accept(value);
                    }
                    removeLeftovers.run();
                } finally {
                    STILL_RUNNING.remove(this);
                }
            }
        }, "managed-backend container start of '" + spec.name() + "' " + id);
        thread.setDaemon(true); // one that never ends must not keep the JVM alive
        worker = thread;
        thread.start();
        boolean interrupted = false;
        synchronized (lock) {
            while (!done && !interrupted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (done) {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return outcome();
            }
            abandoned = true;
        }
        Step reached = step;
        thread.interrupt();
        awaitEnd(thread, GRACE);
        if (thread.isAlive()) { // stuck in a call that ignores interrupts: remove what it made so far
            this.removeLeftovers = removeLeftovers;
            STILL_RUNNING.add(this);
            installHook();
            Thread remover = new Thread(removeLeftovers, "managed-backend remove leftovers of " + id);
            remover.setDaemon(true);
            remover.start();
            awaitEnd(remover, GRACE);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new BackendStartException("backend '" + spec.name() + "' (" + spec.describe() + "): the start was "
                    + "interrupted while " + reached.doing() + "; it was given up, and what it made is removed.");
        }
        throw timedOut.apply(reached);
    }

    @SuppressWarnings("unchecked")
    private <T> T outcome() {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new BackendStartException("backend '" + spec.name() + "' (" + spec.describe() + "): the start "
                    + "failed: " + failure, failure);
        }
        return (T) result;
    }

    /**
     * At JVM exit, waits (up to {@link #AT_EXIT} in all) for the threads of starts that were given
     * up and still run, each of which removes what it made once it ends; then removes what those
     * that are still running made so far. A container whose creation was under way when the
     * start was given up is created even so, and would otherwise outlive the JVM.
     */
    private static void installHook() {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            AtExit.run(AtExit.Phase.STOP, "remove what given-up starts made", () -> {
                long end = System.nanoTime() + AT_EXIT.toNanos();
                for (StartDeadline start : List.copyOf(STILL_RUNNING)) {
                    awaitEnd(start.worker, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
                    if (start.worker.isAlive()) {
                        try {
                            start.removeLeftovers.run();
                        } catch (RuntimeException e) {
                            // the JVM is going; nothing to report to
                        }
                    }
                }
            });
        }
    }

    /** Waits up to {@code max} for {@code thread} to end, keeping the caller's interrupt for later. */
    private static void awaitEnd(Thread thread, Duration max) {
        boolean interrupted = Thread.interrupted();
        try {
            thread.join(Math.max(1, max.toMillis()));
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Thrown on the start's own thread at its next step once it was given up. */
    private static final class GivenUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GivenUp() {
            super("given up at the deadline", null, false, false);
        }
    }
}
