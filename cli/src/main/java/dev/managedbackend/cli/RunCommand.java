package dev.managedbackend.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.managedbackend.Backend;
import dev.managedbackend.terminal.DetachedStart;
import dev.managedbackend.terminal.RunChildren;
import dev.managedbackend.terminal.TerminalSettings;
import dev.managedbackend.terminal.TerminalStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code run [start options] -- CMD ARGS...}: a backend for the life of one command (pytest,
 * Playwright, {@code npm test}, a CI step), with a test JVM's guarantees. The backend is an
 * ordinary one of this JVM, so its shutdown hook and its watchdog stop it however this command
 * ends. CMD carries this JVM's tag too: if this JVM is killed (SIGKILL), the watchdog stops CMD
 * with the backend, and whatever CMD leaves running when it exits is stopped before the backend.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend run --app app.main:app --dir backend -- pytest tests/e2e",
                "  managed-backend run --image my-app:dev -- npx playwright test",
                "  managed-backend run --app app.main:app --dir backend --env-file web/.env.local -- npm test"}, sortOptions = false,
        description = {"Starts a backend, runs CMD with MANAGED_BACKEND_URL (and MANAGED_BACKEND_<NAME>_URL, and "
                + "--env-key if given) in its environment, stops the backend, and exits with CMD's exit code.",
                "Nothing outlives it, even when it is killed: the backend and CMD are stopped within 2 s.",
                "If the backend cannot start, CMD does not run: exit 1 (2 for bad input). If CMD is not found, or not "
                        + "executable, nothing starts: exit 127, or 126, as a shell."})
final class RunCommand extends BackendCommand {

    /** How long what CMD left running gets after SIGTERM. */
    private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(1);

    @Mixin
    ContainerOptions container;

    @Override
    ContainerOptions containerOptions() {
        return container;
    }

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command and its arguments (after --, or after "
            + "the last option)")
    List<String> cmd = new ArrayList<>();

    @Override
    int execute() throws IOException {
        var builder = builder();
        // before anything starts: a typo in CMD costs no backend start
        var problem = ProgramLookup.check(cmd.get(0), System.getenv("PATH"));
        if (problem.isPresent()) {
            command().getErr().println("managed-backend: " + problem.get().message());
            command().getErr().flush();
            return problem.get().exit();
        }
        if (!backend.isContainer()) {
            builder.env(DetachedStart.VARIABLE, ""); // a run's backend does not outlive it, whatever it inherits
        }
        TerminalSettings settings = common.settings();
        PrintWriter err = command().getErr();
        if (backend.envFile != null) {
            try {
                EnvFile.checked(backend.project(), backend.envFile); // refused before anything starts
            } catch (EnvFile.Refused e) {
                throw usage(e.getMessage());
            }
        }
        try (Backend started = TerminalStart.start(builder)) {
            String url = started.baseUrl().toString();
            EnvFile.Edit edit = null;
            if (backend.envFile != null) {
                try {
                    edit = EnvFile.set(backend.project(), backend.envFile, backend.envKey(), url);
                } catch (EnvFile.Refused e) {
                    throw usage(e.getMessage());
                }
                err.println("[managed-backend] " + (edit.previous().isEmpty() ? "added " : "set ") + backend.envKey()
                        + "=" + url + " in " + backend.envFile + " while the command runs");
                err.flush();
            }
            try {
                return runCommand(url, settings.stopTimeout(), err);
            } finally {
                if (edit != null) {
                    giveBack(edit, err);
                }
            }
        }
    }

    /** The env file's key as it was before the run, so that no dev server is left pointing at a dead port. */
    private static void giveBack(EnvFile.Edit edit, PrintWriter err) {
        try {
            err.println("[managed-backend] " + EnvFile.restore(edit));
        } catch (IOException | EnvFile.Refused e) {
            err.println("[managed-backend] could not give " + edit.key() + " in " + edit.file() + " back its value "
                    + "before the run: " + e.getMessage() + ". It still holds " + edit.value() + "; edit it by hand.");
        }
        err.flush();
    }

    private int runCommand(String url, Duration grace, PrintWriter err) {
        ProcessBuilder builder = new ProcessBuilder(cmd).inheritIO();
        Map<String, String> env = builder.environment();
        env.remove(DetachedStart.VARIABLE);
        env.put("MANAGED_BACKEND_URL", url);
        env.put("MANAGED_BACKEND_" + backend.name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_URL", url);
        if (backend.envKey != null) {
            env.put(backend.envKey, url);
        }
        // this JVM's tag: its watchdog stops CMD too if this JVM is killed
        String tag = RunChildren.tag("run: " + backend.name + " command");
        env.put(RunChildren.TAG_VARIABLE, tag);
        AtomicReference<Process> child = new AtomicReference<>();
        Thread hook = new Thread(() -> stop(child.get(), tag, grace), "managed-backend run: stop the command");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C or SIGTERM to this JVM: CMD goes too
        int code;
        try {
            synchronized (child) {
                child.set(builder.start());
            }
            code = child.get().waitFor();
        } catch (IOException e) {
            err.println("managed-backend: run could not start " + cmd + ": " + e.getMessage() + ". Check that the "
                    + "program " + cmd.get(0) + " exists and is executable (resolved against the PATH).");
            err.flush();
            code = 127; // as a shell says "command not found"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(child.get(), tag, grace);
            code = 130;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        stopLeftovers(tag, err);
        return code;
    }

    /** SIGTERM to CMD, {@code grace}, SIGKILL: the one stop routine, for the child this JVM launched with {@code tag}. */
    private static void stop(Process process, String tag, Duration grace) {
        if (process != null && process.isAlive()) {
            RunChildren.stop(process, tag, grace);
        }
    }

    /** What CMD started and left running (it carries CMD's tag): stopped by the one stop routine. */
    private static void stopLeftovers(String tag, PrintWriter err) {
        RunChildren.Leftovers left = RunChildren.stopLeftovers(tag, LEFTOVER_GRACE);
        if (left.found().isEmpty()) {
            return;
        }
        err.println("[managed-backend] stopped what the command left running: processes " + left.found()
                + (left.survivors().isEmpty() ? "" : "; still running: " + left.survivors()));
        err.flush();
    }
}
