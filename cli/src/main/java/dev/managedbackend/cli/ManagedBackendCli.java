package dev.managedbackend.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
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
        footer = {"", "Examples:",
                "  url=$(managed-backend start --name api --app app.main:app --dir backend)",
                "  managed-backend status",
                "  managed-backend stop api",
                "  managed-backend run --app app.main:app --dir backend -- pytest tests/e2e",
                "", "Exit codes: 0 success, 1 failure, 2 bad input; run exits with its command's code (127 when it is "
                        + "not found, 126 when it is not executable).",
                "Run 'managed-backend COMMAND --help' for a command's options."})
public final class ManagedBackendCli implements Runnable {

    /** Exit code of a failure that is not the user's input: a start failed, a backend is not healthy. */
    static final int FAILURE = 1;
    /** Exit code of bad input: picocli's own for usage errors, and a backend described wrongly. */
    static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The commands, in the order {@code --help} lists them. Reading a command's options costs
     * picocli reflection over its classes, so a command line builds only the one it runs.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("start", StartCommand::new);
        COMMANDS.put("stop", StopCommand::new);
        COMMANDS.put("restart", RestartCommand::new);
        COMMANDS.put("status", StatusCommand::new);
        COMMANDS.put("who", WhoCommand::new);
        COMMANDS.put("reap", ReapCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("logs", LogsCommand::new);
        COMMANDS.put("completion", CompletionCommand::new);
        COMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (the process exits with it). */
    static int execute(String... args) {
        TerminalLogging.install(false);
        return commandLine(args).execute(args);
    }

    /** Every command: for the usage, a typo's close matches and {@code help COMMAND}. */
    static CommandLine commandLine() {
        return build("help");
    }

    /** A command's name and description, without its options. */
    private static CommandSpec outline(String name, Object command) {
        Command about = command.getClass().getAnnotation(Command.class);
        CommandSpec outline = CommandSpec.create().name(name);
        outline.usageMessage().header(about.header()).description(about.description());
        return outline;
    }

    /**
     * Only the command {@code args} name; for {@code help COMMAND} every command; else (the usage, a
     * typo) every command by its name and description only, which is all the usage and picocli's
     * close matches read.
     */
    static CommandLine commandLine(String... args) {
        return build(args.length == 0 ? "" : args[0]);
    }

    private static CommandLine build(String first) {
        CommandLine line = new CommandLine(new ManagedBackendCli());
        if (COMMANDS.containsKey(first) && !first.equals("help")) {
            line.addSubcommand(first, COMMANDS.get(first).get());
        } else if (first.equals("help")) {
            COMMANDS.forEach((name, command) -> line.addSubcommand(name, command.get()));
        } else {
            COMMANDS.forEach((name, command) -> line.addSubcommand(name, outline(name, command.get())));
        }
        line.setParameterExceptionHandler(ManagedBackendCli::usageError);
        line.setExecutionExceptionHandler((e, command, parsed) -> failure(e, command));
        if (line.getSubcommands().containsKey("run")) {
            line.getSubcommands().get("run").setStopAtPositional(true);
        }
        return line;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new ParameterException(spec.commandLine(), "a command is missing (start, stop, restart, status, who, reap, run or logs)");
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

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ManagedBackendCli.class.getPackage().getImplementationVersion();
            return new String[] {"managed-backend " + (version == null ? "(development build)" : version)};
        }
    }
}
