package dev.managedbackend.cli;

import java.io.PrintWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code managed-backend}: the library's guarantees from a terminal, a shell script or any test
 * runner. Every command is a thin layer over the library itself ({@code BackendBuilder} and the
 * crash guard's ledger): the same port leasing, readiness check, messages and stop.
 *
 * <p>Exit codes: 0 success; 1 failure (a start that failed, a backend not healthy, a free port
 * for {@code who}); 2 bad input (usage, or a backend described wrongly); {@code run} exits with
 * its command's code.
 */
@Command(name = "managed-backend", mixinStandardHelpOptions = true, versionProvider = ManagedBackendCli.Version.class,
        description = "Starts HTTP backends (uvicorn apps, any server command) on collision-free ports, waits until "
                + "they are ready, and stops them with everything they spawned.",
        subcommands = {StartCommand.class, StopCommand.class, StatusCommand.class, WhoCommand.class,
                ReapCommand.class, RunCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 bad input; run exits with its command's code.",
                "Run 'managed-backend COMMAND --help' for a command's options."})
public final class ManagedBackendCli implements Runnable {

    /** Exit code of a failure that is not the user's input: a start failed, a backend is not healthy. */
    static final int FAILURE = 1;
    /** Exit code of bad input: picocli's own for usage errors, and a backend described wrongly. */
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (the process exits with it). */
    static int execute(String... args) {
        configureLogging(false);
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new ManagedBackendCli());
        line.setParameterExceptionHandler(ManagedBackendCli::usageError);
        line.setExecutionExceptionHandler((e, command, parsed) -> failure(e, command));
        line.getSubcommands().get("run").setStopAtPositional(true);
        return line;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "a command is missing (start, stop, status, who, reap or run)");
    }

    /** Prints a usage error in one or two lines (with close matches for a typo), not the whole usage. */
    static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("managed-backend: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return BAD_INPUT;
    }

    private static int failure(Exception e, CommandLine command) {
        PrintWriter err = command.getErr();
        if (e instanceof BackendConfigurationException) {
            err.println("managed-backend: " + Messages.forTerminal(e.getMessage()));
            err.flush();
            return BAD_INPUT;
        }
        if (e instanceof BackendStartException || e instanceof Failure) {
            err.println("managed-backend: " + Messages.forTerminal(e.getMessage()));
            err.flush();
            return FAILURE;
        }
        err.println("managed-backend: " + command.getCommandName() + " failed: " + e);
        e.printStackTrace(err);
        err.flush();
        return FAILURE;
    }

    /** A failure to report in its own words, without a stack trace (exit code 1). */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The library's log lines (logger "dev.managedbackend": a backend ready, stopped, a sweep) go
     * to stderr as {@code [managed-backend] ...}; other libraries' (OSHI,
     * Testcontainers) only from WARNING on, or all with {@code --verbose}.
     */
    static void configureLogging(boolean verbose) {
        LogManager.getLogManager().reset(); // SLF4J (slf4j-jdk14) and System.Logger both end here
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler(); // System.err
        handler.setLevel(verbose ? Level.ALL : Level.INFO);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                String level = record.getLevel().intValue() >= Level.WARNING.intValue()
                        ? record.getLevel().getName().toLowerCase(java.util.Locale.ROOT) + ": " : "";
                String thrown = record.getThrown() == null ? "" : " (" + record.getThrown() + ")";
                String source = record.getLoggerName() == null || record.getLoggerName().startsWith("dev.managedbackend")
                        ? "" : " [" + record.getLoggerName() + "]";
                return "[managed-backend] " + level + formatMessage(record) + thrown + source + System.lineSeparator();
            }
        });
        root.addHandler(handler);
        root.setLevel(verbose ? Level.ALL : Level.WARNING);
        Logger.getLogger("dev.managedbackend").setLevel(verbose ? Level.ALL : Level.INFO);
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ManagedBackendCli.class.getPackage().getImplementationVersion();
            return new String[] {"managed-backend " + (version == null ? "(development build)" : version)};
        }
    }
}
