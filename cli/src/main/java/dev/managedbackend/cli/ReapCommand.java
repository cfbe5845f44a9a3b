package dev.managedbackend.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.managedbackend.terminal.Reap;
import dev.managedbackend.terminal.StateFolderNotPrivate;
import dev.managedbackend.terminal.TerminalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reap}: the ledger sweep a test JVM runs before its first backend, on demand. It takes
 * the entries whose owner is dead (a test JVM or a {@code run} that was killed with its
 * watchdog, a {@code start} backend whose root process died) and stops what still carries their
 * tags, removes their containers and deletes the entries. Live owners' entries, and so every
 * backend that runs, are never opened.
 */
@Command(name = "reap", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend reap --dry-run",
                "  managed-backend reap"},
        description = {"Removes what dead test JVMs, dead runs and dead start backends left behind (processes that "
                + "carry their tag, containers), and says what.", "Exit 0."})
final class ReapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Option(names = "--dry-run", description = "say what would be removed, and remove nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        TerminalSettings settings = common.settings();
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (dryRun) {
                List<String> plan = Reap.preview(settings.stateDir());
                if (plan.isEmpty()) {
                    out.println("nothing to reap in " + settings.stateDir());
                } else {
                    out.println("would reap " + Messages.count(plan.size(), "backend", "backends") + " left behind by "
                            + (plan.size() == 1 ? "a run that died" : "runs that died") + " (" + settings.stateDir() + "):");
                    plan.forEach(line -> out.println("  " + Messages.leftBehind(line)));
                }
            } else {
                Reap result = Reap.now(settings.stateDir());
                if (result.isEmpty()) {
                    out.println("nothing to reap in " + settings.stateDir());
                } else {
                    out.println("reaped " + Messages.count(result.entries(), "backend", "backends") + " left behind by "
                            + (result.entries() == 1 ? "a run that died" : "runs that died") + " ("
                            + settings.stateDir() + "):");
                    result.swept().forEach(line -> out.println("  " + Messages.leftBehind(line)));
                    out.println("stopped " + Messages.count(result.stopped().size(), "process", "processes")
                            + (result.stopped().isEmpty() ? "" : " " + result.stopped())
                            + (result.containers().isEmpty() ? "" : ", removed "
                                    + Messages.count(result.containers().size(), "container", "containers") + " "
                                    + result.containers()) + ".");
                    if (!result.kept().isEmpty()) {
                        out.println("could not remove " + result.kept() + "; the next reap tries again.");
                    }
                }
            }
        } catch (StateFolderNotPrivate e) {
            throw new ManagedBackendCli.Failure(e.getMessage() + ".", e);
        }
        out.flush();
        return 0;
    }
}
