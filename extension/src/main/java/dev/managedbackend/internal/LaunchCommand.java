package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.List;

import dev.managedbackend.internal.BackendSpec.Mode;

/**
 * The command line of a process-mode backend for one port, and the host it will listen on:
 * {@code 127.0.0.1} (configurable) unless the user's {@code args} pass {@code --host}.
 */
public record LaunchCommand(List<String> argv, String bindHost) {

    public static LaunchCommand of(BackendSpec spec, PythonInterpreter python, String defaultHost, int port) {
        if (spec.mode() == Mode.APP) {
            String host = userHost(spec.args()).orElse(defaultHost);
            List<String> argv = new ArrayList<>(List.of(python.path().toString(), "-m", "uvicorn",
                    spec.app(), "--port", Integer.toString(port)));
            if (userHost(spec.args()).isEmpty()) {
                argv.add("--host");
                argv.add(host);
            }
            argv.addAll(spec.args());
            return new LaunchCommand(List.copyOf(argv), host);
        }
        List<String> argv = new ArrayList<>();
        for (String part : spec.command()) {
            argv.add(substitute(part, defaultHost, port));
        }
        for (String part : spec.args()) {
            argv.add(substitute(part, defaultHost, port));
        }
        return new LaunchCommand(List.copyOf(argv), defaultHost);
    }

    /** The host tests connect to: a wildcard bind is reached on loopback. */
    public String connectHost() {
        return switch (bindHost) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> bindHost;
        };
    }

    private static String substitute(String part, String host, int port) {
        return part.replace("{port}", Integer.toString(port)).replace("{host}", host);
    }

    private static java.util.Optional<String> userHost(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--host") && i + 1 < args.size()) {
                return java.util.Optional.of(args.get(i + 1));
            }
            if (arg.startsWith("--host=")) {
                return java.util.Optional.of(arg.substring("--host=".length()));
            }
        }
        return java.util.Optional.empty();
    }
}
