package dev.managedbackend.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.managedbackend.BackendBuilder;
import picocli.CommandLine.Option;

/**
 * What describes the backend of {@code start} and {@code run}: the attributes of
 * {@code @ManagedBackend} as options, read into a {@link BackendBuilder}, so that they are
 * checked, defaulted and reported exactly as the annotation's are.
 */
final class BackendOptions {

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "default",
            description = "the backend's name, for stop and status (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--app", paramLabel = "MODULE:ATTRIBUTE",
            description = "a uvicorn app: runs <python> -m uvicorn MODULE:ATTRIBUTE in --dir")
    String app;

    @Option(names = "--command", paramLabel = "CMD",
            description = "any other server, one string split into words like a shell does (no expansion); "
                    + "{port} and {host} are replaced, and $PORT is set")
    String command;

    @Option(names = "--dir", paramLabel = "DIR", description = "the app's folder (default: the current one)")
    String dir;

    @Option(names = "--python", paramLabel = "PYTHON", description = "the interpreter for --app (default: <dir>/.venv, "
            + "else $VIRTUAL_ENV, else python3, else python on the PATH)")
    String python;

    @Option(names = "--arg", paramLabel = "ARG", description = "an extra uvicorn argument, or one appended to --command "
            + "(repeatable), e.g. --arg=--workers --arg=2")
    List<String> args = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT", description = "a fixed port, used as given or the start fails naming "
            + "its holder (default: a collision-free one)")
    Integer port;

    @Option(names = "--health-path", paramLabel = "PATH", description = "must answer 2xx before the backend counts as "
            + "ready (default: /health); --health-path= waits only for the port")
    String healthPath;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "an environment variable of the app (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "from launch until ready, else the start fails "
            + "(default: 60)")
    Integer timeout;

    @Option(names = "--env-file", paramLabel = "PATH", description = "a dotenv file (e.g. web/.env.local) in which KEY is "
            + "set to the URL, every other line kept; created if missing")
    Path envFile;

    @Option(names = "--env-key", paramLabel = "KEY", description = "the key --env-file sets (default: BACKEND_URL)")
    String envKey;

    @Option(names = "--config", paramLabel = "FILE", description = "read these options from FILE, one per line "
            + "(NAME = VALUE); options given here win")
    Path config;

    /** The folder {@code --env-file} must lie in: the {@code --config} file's folder, else the working folder. */
    Path project() {
        return config != null ? config.toAbsolutePath().normalize().getParent() : Path.of("").toAbsolutePath();
    }

    /** The key {@code --env-file} sets. */
    String envKey() {
        return envKey == null ? "BACKEND_URL" : envKey;
    }

    /** The container options, on the commands that have them ({@code run}); null on the others. */
    ContainerOptions container;

    boolean isContainer() {
        return container != null && (container.image != null || container.dockerfile != null);
    }

    /**
     * The backend as a builder. A missing or second mode is reported in the annotation's words
     * (with the options' names); everything else is checked by the library when it starts.
     *
     * @throws IllegalArgumentException with the message for a usage error
     */
    BackendBuilder builder() {
        Map<String, String> modes = new LinkedHashMap<>();
        if (app != null) {
            modes.put("--app", app);
        }
        if (command != null) {
            modes.put("--command", command);
        }
        if (container != null && container.image != null) {
            modes.put("--image", container.image);
        }
        if (container != null && container.dockerfile != null) {
            modes.put("--dockerfile", container.dockerfile);
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException(container == null
                    ? "one of --app and --command must be set, but neither is. Set --app module:attribute for a "
                            + "uvicorn app, or --command \"...\" for any other server."
                    : "exactly one of --app, --command, --image, --dockerfile must be set, but none is. Set --app "
                            + "module:attribute for a uvicorn app, --command \"...\" for any other server, or --image / "
                            + "--dockerfile for a container.");
        }
        if (modes.size() > 1) {
            List<String> set = new ArrayList<>();
            modes.forEach((option, value) -> set.add(option + " \"" + value + "\""));
            throw new IllegalArgumentException((container == null ? "only one of --app and --command may be set"
                    : "exactly one of --app, --command, --image, --dockerfile must be set") + ", but "
                    + String.join(" and ", set) + (set.size() == 2 ? " are both set" : " are all set")
                    + ". Keep the one that starts this backend.");
        }
        if (envKey != null && !EnvFile.isKey(envKey)) {
            throw new IllegalArgumentException("--env-key \"" + envKey + "\" is not a variable name (letters, digits, "
                    + "'_' and '.', not starting with a digit), e.g. NEXT_PUBLIC_API_URL");
        }
        BackendBuilder builder;
        if (app != null) {
            builder = BackendBuilder.app(app);
        } else if (command != null) {
            List<String> words = CommandWords.split(command);
            if (words.isEmpty()) {
                throw new IllegalArgumentException("--command \"" + command + "\" names no program; write it as e.g. "
                        + "--command \"./server --port {port}\"");
            }
            builder = BackendBuilder.command(words.toArray(String[]::new));
        } else if (container.image != null) {
            builder = BackendBuilder.image(container.image);
        } else {
            builder = BackendBuilder.dockerfile(container.dockerfile);
        }
        builder.name(name);
        if (dir != null) {
            builder.dir(dir);
        }
        if (python != null) {
            builder.python(python);
        }
        if (!args.isEmpty()) {
            builder.args(args.toArray(String[]::new));
        }
        if (port != null) {
            builder.port(port);
        }
        if (container != null && container.containerPort != null) {
            builder.containerPort(container.containerPort);
        }
        if (healthPath != null) {
            builder.healthPath(healthPath);
        }
        if (timeout != null) {
            builder.startupTimeoutSeconds(timeout);
        }
        env.forEach(builder::env);
        return builder;
    }
}
