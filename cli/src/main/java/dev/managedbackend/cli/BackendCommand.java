package dev.managedbackend.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.managedbackend.BackendBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that describes a backend ({@code start}, {@code run}). With {@code --config FILE} it
 * parses its arguments again, the file's options first, so that the command line's win.
 */
abstract class BackendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOptions backend;

    @Mixin
    Common common;

    /** Set on the command parsed again with {@code --config}: the one the user ran, for messages. */
    private CommandSpec ran;

    @Override
    public final Integer call() throws Exception {
        if (backend.config == null || ran != null) {
            return execute();
        }
        List<String> args;
        try {
            args = new ArrayList<>(ConfigFile.read(backend.config, spec));
        } catch (ConfigFile.Invalid e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--config " + backend.config + ": cannot read it: " + e);
        }
        List<String> all = spec.commandLine().getParseResult().originalArgs(); // from the top: "start", ...
        args.addAll(all.subList(all.indexOf(spec.name()) + 1, all.size()));
        BackendCommand again = getClass().getDeclaredConstructor().newInstance();
        again.ran = spec;
        CommandLine line = new CommandLine(again).setOverwrittenOptionsAllowed(true)
                .setStopAtPositional(spec.parser().stopAtPositional());
        try {
            line.parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage() + " (with the options of --config "
                    + backend.config + ")");
        }
        again.spec.commandLine().setOut(spec.commandLine().getOut()).setErr(spec.commandLine().getErr());
        return again.call();
    }

    /** Runs the command with its options complete. */
    abstract int execute() throws Exception;

    /** The container options, on a command that has them; null on one that runs processes only. */
    ContainerOptions containerOptions() {
        return null;
    }

    /** The backend described, or a usage error (exit code 2). */
    BackendBuilder builder() {
        backend.container = containerOptions();
        try {
            return backend.builder();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    ParameterException usage(String message) {
        return new ParameterException(command(), message);
    }

    /** The command as the user ran it (for messages and exceptions). */
    CommandLine command() {
        return (ran != null ? ran : spec).commandLine();
    }
}
