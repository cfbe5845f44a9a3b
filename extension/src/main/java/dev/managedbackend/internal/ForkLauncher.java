package dev.managedbackend.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;

import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.prefork.ForkedChild;
import dev.managedbackend.internal.prefork.NoFork;
import dev.managedbackend.internal.prefork.Template;
import dev.managedbackend.internal.prefork.TemplateSpec;
import dev.managedbackend.internal.prefork.Templates;
import dev.managedbackend.internal.os.Logs;

/**
 * Where an {@code app} backend with {@code prefork} is forked from its template instead of
 * launched cold: the same command line, environment, log file, crash-guard registration and stop
 * as a cold start, minus the Python start. When it cannot be forked, it says why in one INFO line
 * and the caller starts it cold. One per start: it holds the template it was handed until
 * {@link #close()}, so that no other start stops that template to make room meanwhile.
 */
final class ForkLauncher implements AutoCloseable {

    private static final Logger LOG = Logs.logger();

    private final Settings settings;
    private final CrashGuard crashGuard;
    private Template reserved;

    ForkLauncher(Settings settings, CrashGuard crashGuard) {
        this.settings = settings;
        this.crashGuard = crashGuard;
    }

    /**
     * The template for this backend, started (it imports the app) if none runs for the same
     * interpreter, folder, uvicorn arguments and environment; empty, after the INFO line, if the
     * backend is to start cold.
     */
    Optional<Template> template(BackendSpec spec, PythonInterpreter python, LaunchCommand command) {
        Map<String, String> environment = new LinkedHashMap<>(ProcessLauncher.environment(spec, 0));
        environment.remove("PORT"); // each child sets its own
        TemplateSpec template = new TemplateSpec(python.path(), spec.dir(), argumentsWithoutPort(command), environment);
        try {
            reserved = Templates.get(template, crashGuard, settings.logDir(), spec.startupTimeout());
            return Optional.of(reserved);
        } catch (NoFork e) {
            startsCold(spec, e);
            return Optional.empty();
        }
    }

    /**
     * Forks the backend for {@code lease}'s port; registered with the crash guard before the fork,
     * as a cold start is before its spawn.
     *
     * @throws NoFork if the template could not fork it (then nothing of it runs)
     */
    ProcessBackend fork(Template template, BackendSpec spec, LaunchCommand command, PortLease lease, LogFile log)
            throws NoFork {
        String port = ProcessLauncher.environment(spec, lease.port()).get("PORT");
        log.note("starting " + String.join(" ", command.argv()) + "  (in " + spec.dir() + ")");
        log.note("forked from prefork template pid " + template.pid() + ", which imported the app once: this "
                + "command line runs in the fork");
        copyImportOutput(template, log);
        CrashGuard.Registration guard = crashGuard.reserve(spec.name(), template.tag(), command.argv());
        ForkedChild child;
        try {
            child = template.fork(lease.port(), port == null ? "" : port, log.forRedirect());
        } catch (NoFork e) {
            guard.close();
            throw e;
        }
        // its first act is setsid(): it leads a session and process group of its own
        guard.launched(child.handle(), true);
        ProcessBackend backend = new ProcessBackend(spec.name(), RootProcess.forked(child), command, lease.port(),
                lease, log, settings.stopTimeout(), child.handle().pid(), template.tag(), guard);
        LiveBackends.add(backend);
        return backend;
    }

    /** As {@link #fork}, but null, after the INFO line, if the backend is to start cold instead. */
    ProcessBackend forkOrNull(Template template, BackendSpec spec, LaunchCommand command, PortLease lease,
            LogFile log) {
        try {
            return fork(template, spec, command, lease, log);
        } catch (NoFork e) {
            startsCold(spec, e);
            return null;
        }
    }

    /** The template this start was handed may be stopped to make room again. */
    @Override
    public void close() {
        if (reserved != null) {
            reserved.release();
            reserved = null;
        }
    }

    /**
     * What the app printed while the template imported it, where a cold start's log has it: first,
     * before what the server prints.
     */
    private static void copyImportOutput(Template template, LogFile log) {
        byte[] printed = template.importOutput();
        if (printed.length == 0) {
            return;
        }
        log.note("what the app printed while the template imported it" + (template.importOutputComplete()
                ? " (also in " + template.log() + "):"
                : ", its first " + printed.length + " bytes (all of it is in " + template.log() + "):"));
        try {
            Files.write(log.path(), printed, StandardOpenOption.APPEND);
            if (printed[printed.length - 1] != '\n') {
                Files.writeString(log.path(), System.lineSeparator(), StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            log.note("could not copy it: " + e.getMessage());
        }
    }

    /** The one INFO line of a backend that was to be forked and starts cold. */
    private static void startsCold(BackendSpec spec, NoFork why) {
        LOG.info("backend '" + spec.name() + "' (" + spec.describe() + ") starts cold, not "
                + "forked from a prefork template: " + why.reason());
    }

    /** {@code python -m uvicorn APP --port P REST...} as {@code APP REST...}: the template adds each child's port. */
    private static List<String> argumentsWithoutPort(LaunchCommand command) {
        List<String> uvicorn = command.argv().subList(3, command.argv().size());
        List<String> arguments = new ArrayList<>();
        arguments.add(uvicorn.get(0));
        arguments.addAll(uvicorn.subList(3, uvicorn.size()));
        return arguments;
    }
}
