package dev.managedbackend.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.function.ThrowingConsumer;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendNotRunningException;
import dev.managedbackend.BackendStartException;
import dev.managedbackend.Scope;

import dev.managedbackend.internal.LogFile;
import dev.managedbackend.internal.RunningBackend;

/**
 * What a failure adds to the test report: the backend's whole log as a published file (Surefire,
 * Failsafe and IDEs show it next to the failure), and a clear message when a backend that was
 * ready died before a test.
 *
 * <p>Files can be published from Jupiter 5.12 on; the extension is compiled against 5.10, so the
 * method is looked up once, by reflection. On 5.10 and 5.11 a report entry
 * {@value #LOG_ENTRY_KEY} names the log's path instead.
 */
public final class FailureReports {

    /** The report entry key that names the log where files cannot be published (Jupiter < 5.12). */
    public static final String LOG_ENTRY_KEY = "managedbackend.log";

    private static final Optional<FilePublisher> FILES = FilePublisher.lookup();

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
            if (FILES.isPresent()) {
                try {
                    FILES.get().publish(context, log);
                    return;
                } catch (RuntimeException | LinkageError e) {
                    // e.g. a launcher without an output directory: say where the log is instead
                }
            }
            context.publishReportEntry(LOG_ENTRY_KEY, log.toAbsolutePath().toString());
        } catch (RuntimeException | LinkageError e) {
            // a report attachment must never hide the failure it belongs to
        }
    }

    /**
     * {@code ExtensionContext.publishFile(String, MediaType, ThrowingConsumer)}: Jupiter 5.12 and
     * 5.13 take {@code org.junit.jupiter.api.extension.MediaType}; 5.14 and 6.x also take
     * {@code org.junit.jupiter.api.MediaType}, which is preferred where it exists.
     */
    private record FilePublisher(Method publishFile, Object textPlain) {

        static Optional<FilePublisher> lookup() {
            for (String type : List.of("org.junit.jupiter.api.MediaType", "org.junit.jupiter.api.extension.MediaType")) {
                try {
                    // a reflective version check on JUnit (publishFile is 5.12+), not a way into a part of ours:
                    // those are found through ServiceLoader
                    Class<?> mediaType = Class.forName(type, false, ExtensionContext.class.getClassLoader());
                    Method method = ExtensionContext.class.getMethod("publishFile", String.class, mediaType,
                            ThrowingConsumer.class);
                    return Optional.of(new FilePublisher(method, mediaType.getField("TEXT_PLAIN_UTF_8").get(null)));
                } catch (ReflectiveOperationException | LinkageError e) {
                    // an older Jupiter: try the next type, else fall back to a report entry
                }
            }
            return Optional.empty();
        }

        void publish(ExtensionContext context, Path log) {
            ThrowingConsumer<Path> copy = target -> Files.copy(log, target, StandardCopyOption.REPLACE_EXISTING);
            try {
                publishFile.invoke(context, log.getFileName().toString(), textPlain, copy);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
