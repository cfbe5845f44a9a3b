package dev.managedbackend.internal;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.BackendSpec.Mode;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PortHolder;
import dev.managedbackend.internal.os.ProcessGroups;
import dev.managedbackend.internal.prefork.Template;

/**
 * Starts a process-mode backend ({@code app} or {@code command}) and returns it once ready, or
 * throws with a message that says what went wrong; either way nothing of a failed start is left
 * running. A picked port that another program takes before our server binds it costs one more
 * attempt on another port, up to {@code managedbackend.portAttempts}. An {@code app} backend with
 * {@code prefork} is forked from its template ({@link ForkLauncher}) where it can be, and else
 * launched cold; everything after the launch is the same for both.
 */
public final class ProcessLauncher {

    private static final Logger LOG = Logs.logger();
    private static final Pattern ADDRESS_IN_USE =
            Pattern.compile("(?i)address already in use|\\[Errno 98\\]|EADDRINUSE");
    /**
     * A start that failed gets less grace than a normal stop: it has nothing worth a clean
     * shutdown, and a stuck health request would otherwise hold uvicorn for the whole period.
     */
    private static final Duration FAILED_START_GRACE = Duration.ofSeconds(1);
    private static final Pattern NO_UVICORN = Pattern.compile("No module named '?uvicorn'?(\\s|$)");
    /** What Python and uvicorn print when the app cannot be imported. */
    private static final Pattern IMPORT_ERROR = Pattern.compile(
            "(?m)^(ModuleNotFoundError|ImportError): |Error loading ASGI app|Attribute \"[^\"]*\" not found in module");
    /**
     * Any other exception raised while uvicorn imports the app (a KeyError for a variable the
     * module reads at import, say): the traceback passes through uvicorn's importer.
     */
    private static final Pattern RAISED_AT_IMPORT = Pattern.compile(
            "uvicorn[/\\\\]importer\\.py\", line \\d+, in import_from_string");

    private final Settings settings;

    public ProcessLauncher(Settings settings) {
        this.settings = settings;
    }

    /** Starts the backend; {@code owner} (the test class) names its log file. */
    public LaunchedBackend start(BackendSpec spec, String owner) {
        return start(spec, owner, OwnerTag.of(spec.name()), spec.prefork());
    }

    /**
     * Starts the backend launched cold with {@code tag} as its owner tag (a reused backend's, which
     * belongs to no JVM), never forked: a forked backend is the template's child.
     */
    ProcessBackend startTagged(BackendSpec spec, String owner, String tag) {
        return start(spec, owner, tag, false);
    }

    private ProcessBackend start(BackendSpec spec, String owner, String tag, boolean prefork) {
        crashGuard(); // the first start in this JVM sweeps what killed JVMs left
        PythonInterpreter python = spec.mode() == Mode.APP
                ? PythonInterpreter.resolve(spec, System.getenv()) : null;
        LaunchCommand portless = LaunchCommand.of(spec, python, settings.host(), 0);
        try (ForkLauncher forks = new ForkLauncher(settings, crashGuard())) {
            return start(spec, owner, python, portless, forks, tag, prefork);
        }
    }

    private ProcessBackend start(BackendSpec spec, String owner, PythonInterpreter python, LaunchCommand portless,
            ForkLauncher forks, String tag, boolean prefork) {
        String bindHost = portless.bindHost();
        // the log first: it makes the log folder private before the template writes there
        LogFile log = LogFile.create(settings.logDir(), owner, spec.name());
        Template template = prefork ? forks.template(spec, python, portless).orElse(null) : null;
        PortAllocator ports = PortAllocator.forStateDir(settings.stateDir());
        Set<Integer> tried = new LinkedHashSet<>();
        int attempts = spec.picksPort() ? settings.portAttempts() : 1;
        for (int attempt = 1; ; attempt++) {
            PortLease lease = spec.picksPort()
                    ? ports.pick(bindHost, settings.portRangeFrom(), settings.portRangeTo(), tried)
                    : leaseFixedPort(spec, bindHost, ports);
            tried.add(lease.port());
            LaunchCommand command = LaunchCommand.of(spec, python, settings.host(), lease.port());
            long logOffset = log.size();
            long launched = System.nanoTime();
            ProcessBackend forked = template == null ? null : forks.forkOrNull(template, spec, command, lease, log);
            String origin = forked == null ? "" : ", forked from prefork template pid " + template.pid();
            if (forked == null) {
                template = null; // the later attempts start cold too
            }
            ProcessBackend backend = forked != null ? forked : launch(spec, command, lease, log, tag);
            try {
                new ReadinessProbe(backend.baseUrl(), spec.healthPath())
                        .await(backend, spec.startupTimeout(), settings.pollInterval());
                LOG.info("backend '{}' ready at {} in {} ms ({}, pid {}{}, log {})",
                        spec.name(), backend.baseUrl(), Duration.ofNanos(System.nanoTime() - launched).toMillis(),
                        spec.describe(), backend.pid().getAsLong(), origin, log.path());
                return backend;
            } catch (ReadinessProbe.Exited e) {
                backend.stop(FAILED_START_GRACE);
                if (log.containsAfter(logOffset, ADDRESS_IN_USE)) {
                    if (attempt < attempts) {
                        log.note("port " + lease.port() + " was taken before the server could bind it; "
                                + "trying another port");
                        continue;
                    }
                    throw new BackendStartException(describe(spec, backend) + " could not bind port "
                            + lease.port() + " on " + bindHost + ": address already in use"
                            + (spec.picksPort() ? " (ports tried: " + tried + ")" : "")
                            + (spec.picksPort() ? ". Widen managedbackend.portRange or stop what holds "
                                    + "these ports." : ", held by " + PortHolder.describe(lease.port()) + ". "
                                    + fixedPortAdvice(spec))
                            + System.lineSeparator() + log.tailForMessage(), log.path());
                }
                throw exitedEarly(spec, python, backend, e.exitCode(), launched);
            } catch (ReadinessProbe.TimedOut e) {
                backend.stop(FAILED_START_GRACE);
                throw new BackendStartException(describe(spec, backend) + " was not ready within "
                        + spec.startupTimeout().toSeconds() + " s: " + e.lastSeen() + ". It was stopped. "
                        + "Check that " + (spec.healthPath().isEmpty() ? "the server listens on the port it is given"
                                : "GET " + spec.healthPath() + " answers 2xx once the app is up ("
                                        + Caller.current().name("healthPath") + ")")
                        + ", or raise " + Caller.current().name("startupTimeoutSeconds") + " if it needs longer."
                        + System.lineSeparator() + "Command: " + String.join(" ", command.argv())
                        + System.lineSeparator() + log.tailForMessage(), log.path());
            } catch (ReadinessProbe.NotFound e) {
                backend.stop(FAILED_START_GRACE);
                throw new BackendStartException(describe(spec, backend) + " " + e.getMessage() + " It was stopped."
                        + System.lineSeparator() + log.tailForMessage(), log.path());
            } catch (ReadinessProbe.Interrupted e) {
                backend.stop(FAILED_START_GRACE);
                throw new BackendStartException(describe(spec, backend) + ": the start was interrupted while "
                        + "waiting for it to be ready; it was stopped.", log.path());
            } catch (RuntimeException | Error e) {
                backend.stop(FAILED_START_GRACE);
                throw e;
            }
        }
    }

    private CrashGuard crashGuard() {
        return CrashGuard.get(settings.stateDir(), settings.logDir());
    }

    private static PortLease leaseFixedPort(BackendSpec spec, String host, PortAllocator ports) {
        PortLease lease = ports.leaseFixed(spec.port());
        if (lease == null) {
            throw new BackendStartException("backend '" + spec.name() + "': port = " + spec.port()
                    + " is in use by another backend of a test JVM of yours (managed-backend holds "
                    + "its lease). " + fixedPortAdvice(spec));
        }
        if (!PortAllocator.canBind(host, spec.port())) {
            lease.close();
            throw new BackendStartException("backend '" + spec.name() + "': port = " + spec.port()
                    + " on " + host + " is already in use by " + PortHolder.describe(spec.port()) + ". "
                    + fixedPortAdvice(spec));
        }
        return lease;
    }

    private static String fixedPortAdvice(BackendSpec spec) {
        return "A fixed port is used as given, never replaced: stop what holds port " + spec.port()
                + ", choose another port, or leave port out (0) to let the extension pick a free one.";
    }

    private ProcessBackend launch(BackendSpec spec, LaunchCommand command, PortLease lease, LogFile log, String tag) {
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .directory(spec.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.forRedirect().toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment(spec, lease.port()));
        env.put(OwnerTag.VARIABLE, tag); // last: no declared env can disown a backend
        // in a process group of its own where possible, so that its whole tree can be found later
        Optional<List<String>> grouped = ProcessGroups.inOwnGroup(command.argv(), spec.dir(), env,
                spec.mode() == Mode.APP ? Optional.of(Path.of(command.argv().get(0))) : Optional.empty());
        grouped.ifPresent(builder::command);
        log.note("starting " + String.join(" ", command.argv()) + "  (in " + spec.dir() + ")");
        // registered before the spawn: a JVM killed right after it must leave nothing either
        CrashGuard.Registration guard = crashGuard().reserve(spec.name(), tag, command.argv());
        try {
            Process process = builder.start();
            guard.launched(process.toHandle(), grouped.isPresent());
            ProcessBackend backend = new ProcessBackend(spec.name(), RootProcess.launched(process), command,
                    lease.port(), lease, log, settings.stopTimeout(), grouped.isPresent() ? process.pid() : 0,
                    tag, guard);
            LiveBackends.add(backend);
            return backend;
        } catch (IOException e) {
            guard.close();
            lease.close();
            throw new BackendStartException("backend '" + spec.name() + "': could not run "
                    + command.argv() + " in " + spec.dir() + ": " + e.getMessage() + ". Check that "
                    + "the program " + command.argv().get(0) + " exists and is executable"
                    + (spec.mode() == Mode.COMMAND ? " (command[0], resolved against the PATH)" : "")
                    + ".", e);
        }
    }

    /** The environment of a backend on {@code port}, but the owner tag, which goes last. */
    static Map<String, String> environment(BackendSpec spec, int port) {
        Map<String, String> own = Map.of("PORT", Integer.toString(port),
                "PYTHONUNBUFFERED", "1"); // so the app's own prints reach the log as they happen
        return BackendEnvironment.of(spec.inheritEnv(), System.getenv(), own, spec.env());
    }

    private static BackendStartException exitedEarly(BackendSpec spec, PythonInterpreter python,
            ProcessBackend backend, int exitCode, long launched) {
        long millis = Duration.ofNanos(System.nanoTime() - launched).toMillis();
        if (python != null && backend.log().containsAfter(0, NO_UVICORN)) {
            return new BackendStartException("backend '" + spec.name() + "': uvicorn is not installed "
                    + "for the interpreter " + python.path() + " (from " + python.origin() + "). "
                    + "Install it there (" + python.path() + " -m pip install uvicorn), or point "
                    + Caller.current().name("python") + " (or a .venv in " + Caller.current().name("dir")
                    + ", or $VIRTUAL_ENV) at an environment that has it."
                    + System.lineSeparator() + backend.log().tailForMessage(), backend.logFile());
        }
        return new BackendStartException(describe(spec, backend) + " exited with code " + exitCode
                + " before it was ready, " + millis + " ms after launch."
                + (spec.mode() == Mode.APP && backend.log().containsAfter(0, IMPORT_ERROR)
                        ? " The traceback below shows an import error: " + importAdvice(spec, python) + "."
                        : spec.mode() == Mode.APP && backend.log().containsAfter(0, RAISED_AT_IMPORT)
                        ? " The traceback below shows an error raised while the app was imported: check what the "
                                + "module runs at import, such as the environment variables it reads ("
                                + (Caller.current() == Caller.JAVA ? "env, inheritEnv" : "--env") + "); "
                                + importAdvice(spec, python) + "."
                        : "")
                + System.lineSeparator() + backend.log().tailForMessage(), backend.logFile());
    }

    private static String importAdvice(BackendSpec spec, PythonInterpreter python) {
        Caller caller = Caller.current();
        return "check " + caller.setting("app", spec.app()) + " (module:attribute, importable from "
                + caller.name("dir") + ") and " + caller.setting("dir", spec.dir().toString()) + ", and that the app's dependencies are installed for " + python.path();
    }

    private static String describe(BackendSpec spec, ProcessBackend backend) {
        return "backend '" + spec.name() + "' (" + spec.describe() + ", pid " + backend.pid().getAsLong() + ")";
    }
}
