package dev.managedbackend.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.Callable;

import dev.managedbackend.terminal.DetachedBackend;
import dev.managedbackend.terminal.TerminalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code logs NAME [-f]}: the log of a backend that {@code start} started, as {@code tail} would show it. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend logs",
                "  managed-backend logs api -f"}, sortOptions = false,
        description = {"Prints the log of a backend that start started (its stdout and stderr); with -f, goes on "
                + "printing what it writes until it stops, or Ctrl-C.",
                "Exit 0; 1 when no backend of that name is known."})
final class LogsCommand implements Callable<Integer> {

    /** How often -f looks for new lines, as tail -f does (a second there; a person is reading). */
    private static final long FOLLOW_POLL_MILLIS = 200;

    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "the backend's --name (default: default)")
    String name;

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines until the backend stops")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        TerminalSettings settings = common.settings();
        String wanted = name == null ? "default" : name;
        DetachedBackend backend = DetachedLookup.named(DetachedLookup.all(settings.stateDir()), wanted,
                "managed-backend status lists them");
        if (!Files.isReadable(backend.logFile())) {
            throw new ManagedBackendCli.Failure("the log of backend '" + wanted + "', " + backend.logFile()
                    + ", cannot be read (deleted?)");
        }
        PrintStream out = System.out;
        try (InputStream log = Files.newInputStream(backend.logFile())) {
            copy(log, out);
            while (follow && backend.runsNow()) {
                Thread.sleep(FOLLOW_POLL_MILLIS);
                copy(log, out);
            }
            copy(log, out); // what it wrote while stopping
        }
        return 0;
    }

    private static void copy(InputStream from, OutputStream to) throws IOException {
        from.transferTo(to);
        to.flush();
    }
}
