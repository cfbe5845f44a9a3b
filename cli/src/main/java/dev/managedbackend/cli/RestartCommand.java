package dev.managedbackend.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.managedbackend.terminal.DetachedBackend;
import dev.managedbackend.terminal.StateFolderNotPrivate;
import dev.managedbackend.terminal.TerminalSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code restart NAME}: what {@code Backend.restart()} is in Java, for a backend that {@code start}
 * started: stopped by identity as {@code stop} does, then started again by {@code start} with the
 * arguments it was started with, on the port it had, so its URL stays the same.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend restart",
                "  managed-backend restart api"},
        description = {"Stops a backend that start started and starts it again, as it was started, on the same port: "
                + "the same URL, printed as the last line of stdout.",
                "Exit 0 when it is ready again; 1 when it is not known, or could not be stopped or started again (2 "
                        + "for bad input), as start."})
final class RestartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the backend's --name (default: default)")
    String name;

    @Override
    public Integer call() throws Exception {
        TerminalSettings settings = common.settings();
        String wanted = name == null ? "default" : name;
        DetachedBackend backend = DetachedLookup.named(DetachedLookup.all(settings.stateDir()), wanted,
                "start it with managed-backend start --name " + Messages.shellWord(wanted) + " ...");
        Optional<StartRecords.Start> start;
        try {
            start = StartRecords.find(settings.stateDir(), wanted);
        } catch (StateFolderNotPrivate e) {
            throw new ManagedBackendCli.Failure(e.getMessage() + ".", e);
        }
        if (start.isEmpty()) {
            throw new ManagedBackendCli.Failure("backend '" + wanted + "' has no record of how it was started (a start "
                    + "of an older managed-backend); stop it with managed-backend stop " + Messages.shellWord(wanted)
                    + common.stateDirOption() + " and start it again.");
        }
        Path here = Path.of("").toAbsolutePath();
        if (!start.get().folder().equals(here)) {
            throw new ParameterException(spec.commandLine(), "backend '" + wanted + "' was started in "
                    + start.get().folder() + ", and its options name paths relative to that folder; restart it from "
                    + "there: cd " + Messages.shellWord(start.get().folder().toString()) + " && managed-backend restart "
                    + Messages.shellWord(wanted) + common.stateDirOption());
        }
        int port = URI.create(backend.url()).getPort();
        PrintWriter err = spec.commandLine().getErr();
        List<ProcessHandle> left = backend.stop(settings.stopTimeout());
        if (!left.isEmpty()) {
            throw new ManagedBackendCli.Failure("backend '" + wanted + "' (pid " + backend.pid() + ") was stopped, but "
                    + left.stream().map(ProcessHandle::pid).toList() + " still run, so it was not started again; "
                    + "managed-backend reap tries again once its root is gone.");
        }
        err.println("[managed-backend] stopped backend '" + wanted + "' (pid " + backend.pid() + "); starting it again "
                + "on port " + port);
        err.flush();
        List<String> args = new ArrayList<>(List.of("start"));
        args.addAll(start.get().args());
        if (args.stream().noneMatch(arg -> arg.equals("--port") || arg.startsWith("--port="))) {
            args.addAll(List.of("--port", Integer.toString(port)));
        }
        CommandLine line = ManagedBackendCli.commandLine(args.toArray(String[]::new));
        line.setOut(spec.commandLine().getOut()).setErr(err);
        return line.execute(args.toArray(String[]::new));
    }

    /** How {@code start} records itself for a later restart: where it ran, with which arguments. */
    static void record(Path stateDir, String name, CommandSpec start) throws IOException, StateFolderNotPrivate {
        List<String> all = start.commandLine().getParseResult().originalArgs(); // from the top: "start", ...
        StartRecords.keep(stateDir, name, new StartRecords.Start(Path.of("").toAbsolutePath(),
                all.subList(all.indexOf(start.name()) + 1, all.size())));
    }
}
