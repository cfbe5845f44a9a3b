package dev.managedbackend.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.managedbackend.terminal.DetachedBackend;
import dev.managedbackend.terminal.StateFolderNotPrivate;
import dev.managedbackend.terminal.TerminalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stop}: ends what {@code start} started, by identity: only processes that carry the
 * backend's tag are signalled (SIGTERM, {@code managedbackend.stopTimeoutSeconds} of grace,
 * SIGKILL), its whole tree and process group included. The library's one stop routine.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend stop",
                "  managed-backend stop api",
                "  managed-backend stop --all"}, sortOptions = false,
        description = {"Stops a backend that start started (its whole process tree), identity-checked.",
                "Exit 0 when it is gone (also when it was not running), 1 if something of it survived."})
final class StopCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the backend's --name (default: default)")
    String name;

    @Option(names = "--all", description = "stop every backend that start started")
    boolean all;

    @Override
    public Integer call() throws Exception {
        if (all && name != null) {
            throw new ParameterException(spec.commandLine(), "give a NAME or --all, not both");
        }
        TerminalSettings settings = common.settings();
        PrintWriter err = spec.commandLine().getErr();
        List<DetachedBackend> known = DetachedLookup.all(settings.stateDir());
        String wanted = name == null ? "default" : name;
        List<DetachedBackend> chosen = known.stream().filter(found -> all || found.name().equals(wanted)).toList();
        if (chosen.isEmpty()) {
            if (!all) {
                giveBackEnvFile(settings, wanted, err); // its backend died or was reaped: the file still names it
            }
            err.println("[managed-backend] " + (all ? "no backend that start started is running"
                    : "no backend '" + wanted + "' is running" + (known.isEmpty() ? ""
                            : " (running: " + String.join(", ", known.stream().map(DetachedBackend::name)
                                    .distinct().toList()) + ")"))
                    + "; nothing to stop");
            err.flush();
            return 0;
        }
        int failed = 0;
        for (DetachedBackend backend : chosen) {
            List<ProcessHandle> left = backend.stop(settings.stopTimeout());
            if (left.isEmpty()) {
                err.println("[managed-backend] stopped backend '" + backend.name() + "' (pid " + backend.pid() + ", "
                        + backend.url() + (backend.alive() ? "" : "; it was no longer running") + ")");
                giveBackEnvFile(settings, backend.name(), err);
            } else {
                failed++;
                err.println("[managed-backend] backend '" + backend.name() + "' (pid " + backend.pid() + ") was "
                        + "stopped, but " + left.stream().map(ProcessHandle::pid).toList() + " still run: stuck after "
                        + "SIGKILL, or not provably its own (no tag), so left alone. Its entry stays; managed-backend "
                        + "reap tries again once its root is gone.");
            }
        }
        err.flush();
        common.pruneLogs();
        return failed == 0 ? 0 : ManagedBackendCli.FAILURE;
    }

    /** The --env-file key that start set, given back the value it had before, as start's record says. */
    private static void giveBackEnvFile(TerminalSettings settings, String name, PrintWriter err) {
        Optional<EnvFile.Edit> edit;
        try {
            edit = EnvFileRecords.find(settings.stateDir(), name);
        } catch (IOException | StateFolderNotPrivate e) {
            err.println("[managed-backend] could not read what start changed in an --env-file for '" + name + "': "
                    + e.getMessage());
            return;
        }
        if (edit.isEmpty()) {
            return;
        }
        try {
            err.println("[managed-backend] " + EnvFile.restore(edit.get()));
        } catch (IOException | EnvFile.Refused e) {
            err.println("[managed-backend] could not give " + edit.get().key() + " in " + edit.get().file() + " back "
                    + "its value before start: " + e.getMessage() + ". It still holds " + edit.get().value()
                    + "; edit it by hand.");
        }
        try {
            EnvFileRecords.forget(settings.stateDir(), name);
        } catch (IOException | StateFolderNotPrivate e) {
            err.println("[managed-backend] could not remove start's record of the --env-file edit: " + e.getMessage());
        }
    }
}
