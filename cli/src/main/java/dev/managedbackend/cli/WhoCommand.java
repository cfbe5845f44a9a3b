package dev.managedbackend.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.managedbackend.terminal.PortOwner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code who PORT}: what {@code lsof -i :PORT} is run for, answered the way the library answers
 * it when a fixed port is taken: the holder's pid, command line, user and uptime, and whether it
 * is one of ours (which run, how to stop it) or a foreign process. Nothing is ever signalled.
 */
@Command(name = "who", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend who 8000"},
        description = {"Says who holds a port: pid, command line, user, uptime, and whether it is a backend of ours "
                + "(which run, how to stop it) or a foreign process (never touched).",
                "Exit 0 when the port is held, 1 when it is free."})
final class WhoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Parameters(paramLabel = "PORT", description = "a TCP port, 1-65535")
    int port;

    @Override
    public Integer call() {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "PORT " + port + " is outside 1..65535");
        }
        common.settings();
        PrintWriter out = spec.commandLine().getOut();
        // A port that binds on the wildcard and loopback addresses has no IPv4 listener: answered
        // without OSHI, whose scan of every socket and process costs more than the rest of the command.
        if (PortOwner.isFree(port)) {
            out.println("port " + port + " is free.");
            out.flush();
            return ManagedBackendCli.FAILURE;
        }
        Optional<String> holder = PortOwner.of(port);
        if (holder.isPresent()) {
            out.println("port " + port + " is held by " + holder.get() + ".");
        } else {
            out.println("port " + port + " is in use, but no process that this user can see listens on it (another "
                    + "user's process, or a socket bound but not listening).");
        }
        out.flush();
        return 0;
    }
}
