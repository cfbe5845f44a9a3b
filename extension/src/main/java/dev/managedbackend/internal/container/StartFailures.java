package dev.managedbackend.internal.container;

import java.time.Duration;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.Caller;
import dev.managedbackend.internal.LogFile;

/**
 * The messages of a container start that failed: what happened, what to check, and the tail of
 * the container's output. By the time one is made, the container has been removed (or, for a
 * start that ran out of time in a call that ignores interrupts, is removed once it exists).
 */
final class StartFailures {

    private StartFailures() {
    }

    /** Docker refused to create or start the container (bad command, port taken, ...). */
    static BackendStartException notStarted(BackendSpec spec, RuntimeException e, LogFile log) {
        return new BackendStartException(describe(spec) + ": Docker could not start the container: "
                + DockerReason.of(e) + ". " + commandAdvice(spec)
                + (spec.picksPort() ? "" : " Check also that host port " + spec.port() + " is free ("
                        + Caller.current().name("port") + ").")
                + System.lineSeparator() + log.tailForMessage(), e);
    }

    /** The container ran but had no host port for {@code containerPort} (and did not exit). */
    static BackendStartException noPortMapped(BackendSpec spec, LogFile log) {
        return new BackendStartException(describe(spec) + ": Docker mapped no host port for "
                + Caller.current().name("containerPort") + " " + spec.containerPort() + ". " + commandAdvice(spec) + System.lineSeparator() + log.tailForMessage(), log.path());
    }

    static BackendStartException exitedEarly(BackendSpec spec, String containerId, int exitCode, long launched,
            LogFile log) {
        long millis = Duration.ofNanos(System.nanoTime() - launched).toMillis();
        return new BackendStartException(describe(spec) + " (container " + containerId + ") exited with code "
                + exitCode + " before it was ready, " + millis + " ms after it started. The container was "
                + "removed; its output is in the log below. " + commandAdvice(spec)
                + System.lineSeparator() + log.tailForMessage(), log.path());
    }

    static BackendStartException timedOut(BackendSpec spec, ContainerBackend backend, String lastSeen, LogFile log) {
        return new BackendStartException(describe(spec) + " (container " + backend.shortId() + ", "
                + backend.baseUrl() + ") was not ready within " + spec.startupTimeout().toSeconds() + " s: "
                + lastSeen + ". The container was stopped and removed. Check that "
                + (spec.healthPath().isEmpty() ? "" : "GET " + spec.healthPath() + " answers 2xx once the app is up "
                        + "(" + Caller.current().name("healthPath") + "), and that ")
                + "the app listens on " + Caller.current().name("containerPort") + " " + spec.containerPort()
                + " on all interfaces (0.0.0.0) inside the container, or raise " + Caller.current().name("startupTimeoutSeconds") + " if it needs longer."
                + System.lineSeparator() + log.tailForMessage(), log.path());
    }

    /** The health path kept answering 404: {@code problem} says so, after the backend's description. */
    static BackendStartException healthPathNotFound(BackendSpec spec, ContainerBackend backend, String problem,
            LogFile log) {
        return new BackendStartException(describe(spec) + " (container " + backend.shortId() + ") " + problem
                + " The container was stopped and removed." + System.lineSeparator() + log.tailForMessage(), log.path());
    }

    static BackendStartException interrupted(BackendSpec spec, ContainerBackend backend, LogFile log) {
        return new BackendStartException(describe(spec) + " (container " + backend.shortId() + "): the start was "
                + "interrupted while waiting for it to be ready; the container was stopped and removed.", log.path());
    }

    /**
     * The start ran out of {@code startupTimeoutSeconds} before the container ran: the step it was
     * at, what to do about it, and the log where the start had one by then.
     */
    static BackendStartException notStartedInTime(BackendSpec spec, StartDeadline.Step step, LogFile log) {
        String message = describe(spec) + " was not started within " + spec.startupTimeout().toSeconds()
                + " s (" + Caller.current().name("startupTimeoutSeconds") + "): " + step.doing() + ". " + step.advice();
        return log == null ? new BackendStartException(message)
                : new BackendStartException(message + System.lineSeparator() + log.tailForMessage(), log.path());
    }

    private static String commandAdvice(BackendSpec spec) {
        Caller caller = Caller.current();
        return "Check the image's command" + (spec.args().isEmpty() ? ""
                : caller == Caller.JAVA ? " (args = " + spec.args() + ")" : " (--arg " + String.join(" --arg ", spec.args()) + ")")
                + " and " + caller.name("env") + ".";
    }

    private static String describe(BackendSpec spec) {
        return "backend '" + spec.name() + "' (" + spec.describe() + ")";
    }
}
