package dev.managedbackend.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;

import dev.managedbackend.Backend;
import dev.managedbackend.terminal.DetachedBackend;
import dev.managedbackend.terminal.DetachedStart;
import dev.managedbackend.terminal.StateFolderNotPrivate;
import dev.managedbackend.terminal.TerminalSettings;
import dev.managedbackend.terminal.TerminalStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code start}: a backend that outlives this command. It is started like any backend of a test
 * (the same port leasing, readiness, messages; a failed start leaves nothing), then handed over
 * to itself: its ledger entry records it as detached, so {@code stop}, {@code status} and
 * {@code reap} find it from any terminal, and no sweep removes it while it runs.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend start --app app.main:app --dir backend",
                "  managed-backend start --name api --app app.main:app --dir backend --env-file web/.env.local",
                "  managed-backend start --name web --command './server --port {port}' --health-path /ready"}, sortOptions = false,
        description = {"Starts a backend that keeps running after this command, waits until it is ready, and prints "
                + "its URL as the last line of stdout.",
                "Exit 0 when it is ready; else 1 (2 for bad input), with the message a test would get, and nothing "
                        + "is left running."})
final class StartCommand extends BackendCommand {

    /** Not offered (hidden): said only to explain, to one who tries, why start runs no container. */
    @Option(names = {"--image", "--dockerfile", "--container-port"}, hidden = true)
    String container;

    @Override
    int execute() throws IOException {
        if (container != null) {
            throw usage("start runs process backends (--app, --command) only: a container started through "
                    + "Testcontainers is removed when the JVM that started it exits (its reaper), so it cannot outlive "
                    + "this command. Use run (managed-backend run --image ... -- CMD), or docker run for a container "
                    + "that outlives it");
        }
        if (backend.envKey != null && backend.envFile == null) {
            throw usage("--env-key " + backend.envKey + " names the key that --env-file sets, but --env-file is "
                    + "missing; add --env-file PATH (e.g. --env-file web/.env.local)");
        }
        if (!DetachedStart.possible()) {
            throw usage("-D" + DetachedStart.CRASH_GUARD_PROPERTY + "=false: a backend that outlives this command needs the "
                    + "crash ledger, which that turns off; remove it");
        }
        if (backend.envFile != null) {
            try {
                EnvFile.checked(backend.project(), backend.envFile); // refused before anything starts
            } catch (EnvFile.Refused e) {
                throw usage(e.getMessage());
            }
        }
        var builder = builder().env(DetachedStart.VARIABLE, "1");
        TerminalSettings settings = common.settings();
        PrintWriter err = command().getErr();
        Backend started;
        try (AutoCloseable reserved = DetachedStart.reserveName(settings.stateDir(), backend.name)) {
            Optional<DetachedBackend> running = DetachedBackend.list(settings.stateDir()).stream()
                    .filter(found -> found.alive() && found.name().equals(backend.name)).findFirst();
            if (running.isPresent()) {
                DetachedBackend other = running.get();
                throw new ManagedBackendCli.Failure("backend '" + backend.name + "' is already running (pid "
                        + other.pid() + ", " + other.url() + ", up " + Durations.human(other.started()) + "): stop it "
                        + "first with managed-backend stop " + Messages.shellWord(backend.name) + common.stateDirOption()
                        + ", or give this one another --name.");
            }
            try (StartProgress progress = StartProgress.show(err, backend.name)) {
                started = TerminalStart.start(builder);
            }
            try {
                if (backend.envFile != null) {
                    EnvFile.Edit edit = EnvFile.set(backend.project(), backend.envFile, backend.envKey(),
                            started.baseUrl().toString());
                    try {
                        EnvFileRecords.keep(settings.stateDir(), backend.name, edit);
                    } catch (IOException | StateFolderNotPrivate e) {
                        EnvFile.restore(edit);
                        throw new IOException("what to give back on stop could not be kept in the state folder: "
                                + e.getMessage(), e);
                    }
                    err.println("[managed-backend] " + (edit.previous().isEmpty() ? "added " : "set ") + backend.envKey()
                            + "=" + started.baseUrl() + " in " + backend.envFile + "; managed-backend stop "
                            + (edit.previous().isEmpty() ? "removes it again" : "gives it back its value before start"));
                }
                try {
                    RestartCommand.record(settings.stateDir(), backend.name, command().getCommandSpec());
                } catch (IOException | StateFolderNotPrivate e) {
                    throw new IllegalStateException("how it was started could not be kept for restart: "
                            + e.getMessage(), e);
                }
                DetachedStart.handOver(started);
            } catch (IOException | EnvFile.Refused | RuntimeException e) {
                started.close();
                throw new ManagedBackendCli.Failure("backend '" + backend.name + "' was ready at " + started.baseUrl()
                        + ", but " + (e instanceof RuntimeException ? "could not be detached: " + e.getMessage()
                                : "--env-file " + backend.envFile + " could not be edited: " + e.getMessage())
                        + ". It was stopped.", e);
            }
        } catch (StateFolderNotPrivate e) {
            throw new ManagedBackendCli.Failure(e.getMessage() + ".", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // from closing the name's lock
        }
        err.println("[managed-backend] backend '" + backend.name + "' runs (pid " + started.pid().orElse(0) + ", log "
                + started.logFile() + "); stop it with: managed-backend stop " + Messages.shellWord(backend.name)
                + common.stateDirOption());
        err.flush();
        command().getOut().println(started.baseUrl());
        command().getOut().flush();
        common.pruneLogs(); // the logs of backends stopped or failed before this one
        return 0;
    }
}
