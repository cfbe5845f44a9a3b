package dev.managedbackend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.managedbackend.internal.LogFile;
import dev.managedbackend.internal.RunningBackend;

/**
 * What a failure adds to the test report: the backend's whole log as a published file (Surefire,
 * Failsafe and IDEs show it next to the failure), and a clear message when a backend that was
 * ready died before a test.
 */
final class FailureReports {

    private FailureReports() {
    }

    /** Runs {@code start}; if it fails with a log, attaches the log to the report, then rethrows. */
    static <T> T attachingLog(ExtensionContext context, java.util.function.Supplier<T> start) {
        try {
            return start.get();
        } catch (BackendStartException e) {
            e.logFile().ifPresent(log -> publish(context, log));
            throw e;
        }
    }

    /** Fails the coming test if one of its backends is no longer running. */
    static void requireRunning(ExtensionContext context, List<Backend> backends) {
        for (Backend backend : backends) {
            if (backend.isRunning()) {
                continue;
            }
            OptionalInt exit = backend instanceof RunningBackend running ? running.exitCode() : OptionalInt.empty();
            publish(context, backend.logFile());
            throw new BackendNotRunningException("backend '" + backend.name() + "' is no longer running"
                    + (exit.isPresent() ? " (exit code " + exit.getAsInt() + ")" : "")
                    + ": it was ready at " + backend.baseUrl() + " but stopped before "
                    + context.getDisplayName() + ". Its log may say why; an earlier test may have "
                    + "shut it down or crashed it (use scope = Scope.METHOD for tests that do)."
                    + System.lineSeparator() + LogFile.existing(backend.logFile()).tailForMessage());
        }
    }

    private static void publish(ExtensionContext context, Path log) {
        if (!Files.isRegularFile(log)) {
            return;
        }
        try {
            context.publishFile(log.getFileName().toString(), MediaType.TEXT_PLAIN_UTF_8,
                    target -> Files.copy(log, target, StandardCopyOption.REPLACE_EXISTING));
        } catch (RuntimeException | LinkageError e) {
            // a report attachment must never hide the failure it belongs to
        }
    }
}
