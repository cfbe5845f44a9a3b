package dev.managedbackend.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.InheritEnv;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Scope;
import dev.managedbackend.internal.BackendSpec.Mode;

/**
 * Turns {@link Declaration}s into validated {@link BackendSpec}s. Every rule lives here, and
 * every violation is reported before anything starts, with the attribute, the rule, the value
 * and the fix. A configured default applies only to an attribute that was not written.
 */
public final class SpecReader {

    private static final Pattern APP = Pattern.compile("[A-Za-z_][\\w.]*:[A-Za-z_][\\w.]*");
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** uvicorn options the extension owns (the port) or that would leave no TCP port to check. */
    private static final Set<String> FORBIDDEN_UVICORN_ARGS = Set.of("--port", "--uds", "--fd");

    private final Config config;
    private final Path workingDir;

    public SpecReader(Config config, Path workingDir) {
        this.config = config;
        this.workingDir = workingDir.toAbsolutePath().normalize();
    }

    /** Reads all declarations of one place (a test class); names must be distinct. */
    public List<BackendSpec> read(List<Declaration> declarations, String declaredOn) {
        List<BackendSpec> specs = new ArrayList<>();
        for (Declaration declaration : declarations) {
            specs.add(read(declaration));
        }
        requireDistinctNames(specs, declaredOn);
        return specs;
    }

    /** Fails if two of {@code specs}, the backends of one place, have the same name. */
    public static void requireDistinctNames(List<BackendSpec> specs, String declaredOn) {
        Set<String> names = new java.util.HashSet<>();
        for (BackendSpec spec : specs) {
            if (!names.add(spec.name())) {
                throw new BackendConfigurationException(String.format(
                        "%s declares two backends with name = \"%s\"; names must be distinct within a "
                                + "test class. Give each one its own name, e.g. @ManagedBackend(name = "
                                + "\"users\", ...) or BackendBuilder.name(\"users\").",
                        declaredOn, spec.name()));
            }
        }
    }

    private static boolean isUriPath(String path) {
        try {
            java.net.URI.create("http://127.0.0.1:1" + path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public BackendSpec read(Declaration d) {
        String where = d.origin();
        Caller caller = Caller.current();
        if (d.name().isBlank()) {
            throw invalid(where, caller.setting("name", d.name()) + " is blank; give the backend a name, "
                    + "or leave " + caller.name("name") + " out for \"default\"");
        }
        Mode mode = mode(d, where);
        checkApplies(d, mode, where, caller);
        Path dir = mode.isContainer() ? workingDir : dir(d, where, caller);
        int port = d.port();
        if (port < 0 || port > 65535) {
            throw invalid(where, caller.setting("port", port) + " is outside 1..65535; "
                    + (caller == Caller.JAVA ? "use 0 to let the extension pick a free port, or a port from 1 to 65535"
                            : "leave it out to get a free port, or give one from 1 to 65535"));
        }
        int containerPort = 0;
        if (mode.isContainer()) {
            containerPort = d.containerPort().isPresent() ? d.containerPort().getAsInt()
                    : config.integer(ManagedBackend.CONTAINER_PORT_PROPERTY_NAME, 8000, 1);
            if (containerPort < 1 || containerPort > 65535) {
                throw invalid(where, caller.setting("containerPort", containerPort) + " is outside 1..65535; "
                        + "set it to the port the app listens on inside the container");
            }
        }
        int timeout = d.startupTimeoutSeconds().isPresent() ? d.startupTimeoutSeconds().getAsInt()
                : config.integer(ManagedBackend.STARTUP_TIMEOUT_PROPERTY_NAME, 60, 1);
        if (timeout <= 0) {
            throw invalid(where, caller.setting("startupTimeoutSeconds", timeout) + " is not positive; give "
                    + "the backend at least 1 second to start");
        }
        String healthPath = d.healthPath()
                .orElseGet(() -> config.string(ManagedBackend.HEALTH_PATH_PROPERTY_NAME).orElse("/health"));
        if (!healthPath.isEmpty() && !healthPath.startsWith("/")) {
            throw invalid(where, caller.setting("healthPath", healthPath) + " does not start with '/'; "
                    + "write it as " + caller.example("healthPath", "/" + healthPath) + ", or "
                    + caller.example("healthPath", "") + " to only wait for the port");
        }
        if (!healthPath.isEmpty() && !isUriPath(healthPath)) {
            throw invalid(where, caller.setting("healthPath", healthPath) + " is not a valid URL path (spaces and "
                    + "other such characters must be percent-encoded, e.g. %20 for a space)");
        }
        if (mode == Mode.APP) {
            checkUvicornArgs(d.args(), where, caller);
        }
        String dockerfile = mode == Mode.DOCKERFILE ? dockerfile(d, where, caller) : "";
        String python = mode != Mode.APP ? ""
                : d.python().orElseGet(() -> config.string(ManagedBackend.PYTHON_PROPERTY_NAME, ""));
        InheritEnv inheritEnv = mode.isContainer() ? InheritEnv.ALL : d.inheritEnv().orElseGet(this::configuredInheritEnv);
        Scope scope = d.scope().orElseGet(this::configuredScope);
        boolean prefork = mode == Mode.APP
                && d.prefork().orElseGet(() -> config.bool(ManagedBackend.PREFORK_PROPERTY_NAME, false));
        return new BackendSpec(d.name(), mode, d.app(), d.command(), dir, python, d.args(), d.image(), dockerfile,
                containerPort, healthPath, port, Duration.ofSeconds(timeout), env(d.env(), where, caller), inheritEnv, scope,
                prefork);
    }

    private static Mode mode(Declaration d, String where) {
        Map<Mode, String> set = new LinkedHashMap<>();
        if (!d.app().isEmpty()) {
            set.put(Mode.APP, "app = \"" + d.app() + "\"");
        }
        if (!d.command().isEmpty()) {
            set.put(Mode.COMMAND, "command = " + d.command());
        }
        if (!d.image().isEmpty()) {
            set.put(Mode.IMAGE, "image = \"" + d.image() + "\"");
        }
        if (!d.dockerfile().isEmpty()) {
            set.put(Mode.DOCKERFILE, "dockerfile = \"" + d.dockerfile() + "\"");
        }
        if (set.isEmpty()) {
            throw invalid(where, "exactly one of app, command, image, dockerfile must be set, but "
                    + "none is. Set app = \"module:attribute\" for a uvicorn app, command = {...} "
                    + "for any other server, or image / dockerfile for a container");
        }
        if (set.size() > 1) {
            throw invalid(where, "exactly one of app, command, image, dockerfile must be set, but "
                    + String.join(" and ", set.values()) + " are all set. Keep the one that "
                    + "starts this backend and declare others as separate @ManagedBackend with "
                    + "their own name");
        }
        Mode mode = set.keySet().iterator().next();
        Caller caller = Caller.current();
        if (mode == Mode.APP && !APP.matcher(d.app()).matches()) {
            throw invalid(where, caller.setting("app", d.app()) + " is not a uvicorn target; write it as "
                    + (caller == Caller.JAVA ? "\"module:attribute\"" : "module:attribute") + ", e.g. "
                    + caller.example("app", "app.main:app"));
        }
        if (mode == Mode.IMAGE && d.image().isBlank()) {
            throw invalid(where, caller.setting("image", d.image()) + " is blank; name an image, e.g. "
                    + caller.example("image", "my-app:dev") + " or " + caller.example("image", "registry.example.com/team/app:1.4"));
        }
        if (mode == Mode.COMMAND && d.command().get(0).isBlank()) {
            throw invalid(where, "command = " + d.command() + " starts with a blank program name; put the "
                    + "program first, e.g. {\"./server\", \"--port\", \"{port}\"}");
        }
        return mode;
    }

    /** An attribute written for a mode it does not apply to would be silently ignored: refuse it. */
    private static void checkApplies(Declaration d, Mode mode, String where, Caller caller) {
        String kind = caller.name(mode.attribute()) + " (" + switch (mode) {
            case APP -> "a uvicorn app";
            case COMMAND -> "a command";
            case IMAGE, DOCKERFILE -> "a container";
        } + ")";
        if (mode != Mode.APP && d.python().isPresent()) {
            throw notApplicable(where, caller.setting("python", d.python().get()), "app backends (the interpreter "
                    + "that runs uvicorn)", kind, mode.isContainer() ? "the image decides its interpreter"
                    : "put the interpreter into " + (caller == Caller.JAVA
                            ? "command, e.g. {\"/path/to/python\", \"server.py\"}"
                            : "--command, e.g. --command \"/path/to/python server.py\""));
        }
        if (mode.isContainer() && d.dir().isPresent()) {
            throw notApplicable(where, caller.setting("dir", d.dir().get()), "process backends (their working "
                    + "directory)", kind, mode == Mode.DOCKERFILE ? "the Dockerfile's folder is the build context"
                    : "the image decides its working directory");
        }
        if (mode.isContainer() && d.inheritEnv().isPresent()) {
            throw notApplicable(where, "inheritEnv = " + d.inheritEnv().get(), "process backends", kind,
                    "a container never sees the test JVM's environment; it gets only env");
        }
        if (mode != Mode.APP && d.prefork().isPresent()) {
            throw notApplicable(where, "prefork = " + (d.prefork().get() ? "ON" : "OFF"), "app backends (a uvicorn "
                    + "app forked from a warm template)", kind, "only an app can be forked from a template");
        }
        if (!mode.isContainer() && d.containerPort().isPresent()) {
            throw notApplicable(where, caller.setting("containerPort", d.containerPort().getAsInt()), caller.name("image")
                    + " and " + caller.name("dockerfile") + " backends", kind, "use " + caller.name("port")
                    + " to fix the port a process listens on");
        }
    }

    private static BackendConfigurationException notApplicable(String where, String attribute, String appliesTo,
            String kind, String instead) {
        return invalid(where, attribute + " applies only to " + appliesTo + ", but this backend is " + kind
                + " and would ignore it. Remove it (" + instead + ")");
    }

    private Path dir(Declaration d, String where, Caller caller) {
        String raw = d.dir().orElseGet(() -> config.string(ManagedBackend.DIR_PROPERTY_NAME, "."));
        Path dir = workingDir.resolve(raw).normalize();
        if (!Files.isDirectory(dir)) {
            throw invalid(where, caller.setting("dir", raw) + " is not a directory (resolved to " + dir
                    + " from " + (caller == Caller.JAVA ? "the working directory " : "the current directory ")
                    + workingDir + "). Set " + caller.name("dir") + " to the app's folder, relative to "
                    + caller.workingDirectory() + " or absolute");
        }
        return dir;
    }

    /** The Dockerfile as an absolute path; it must exist before anything starts. */
    private String dockerfile(Declaration d, String where, Caller caller) {
        Path file = workingDir.resolve(d.dockerfile()).normalize();
        if (!Files.isRegularFile(file)) {
            throw invalid(where, caller.setting("dockerfile", d.dockerfile()) + " is not a file (resolved to "
                    + file + " from " + (caller == Caller.JAVA ? "the working directory " : "the current directory ")
                    + workingDir + "). Set " + caller.name("dockerfile") + " to the Dockerfile's path, relative to "
                    + caller.workingDirectory() + " or absolute; "
                    + "its folder is the build context");
        }
        return file.toString();
    }

    private static void checkUvicornArgs(List<String> args, String where, Caller caller) {
        for (String arg : args) {
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (FORBIDDEN_UVICORN_ARGS.contains(option)) {
                throw invalid(where, (caller == Caller.JAVA ? "args = " + args : "--arg " + arg) + " contains "
                        + option + "; " + (caller == Caller.JAVA ? "the extension" : "managed-backend")
                        + " passes the port itself and needs a TCP port to check. "
                        + (!option.equals("--port") ? "Remove " + option
                                : caller == Caller.JAVA ? "Use the port attribute instead" : "Use --port instead"));
            }
        }
    }

    private static Map<String, String> env(List<String> entries, String where, Caller caller) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            if (eq < 0 || !ENV_KEY.matcher(key).matches()) {
                throw invalid(where, (caller == Caller.JAVA ? "env entry \"" + entry + "\"" : caller.setting("env", entry))
                        + " is not KEY=VALUE with KEY made of letters, digits and '_' (not starting with a digit); "
                        + "write it as e.g. " + (caller == Caller.JAVA ? "\"LOG_LEVEL=debug\"" : "--env LOG_LEVEL=debug"));
            }
            String value = entry.substring(eq + 1);
            EnvReferences.parse(value).problem().ifPresent(problem -> {
                throw invalid(where, (caller == Caller.JAVA ? "env entry \"" + entry + "\"" : caller.setting("env", entry))
                        + ": " + problem);
            });
            env.put(key, value);
        }
        return env;
    }

    private Scope configuredScope() {
        return configuredEnum(ManagedBackend.SCOPE_PROPERTY_NAME, Scope.class, Scope.CLASS, "a scope");
    }

    private InheritEnv configuredInheritEnv() {
        return configuredEnum(ManagedBackend.INHERIT_ENV_PROPERTY_NAME, InheritEnv.class, InheritEnv.ALL,
                "an inheritEnv choice");
    }

    /** A configured enum value; {@code DEFAULT} is the annotation's "not written" marker, not a choice. */
    private <E extends Enum<E>> E configuredEnum(String key, Class<E> type, E fallback, String what) {
        Optional<String> raw = config.string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        List<String> choices = Arrays.stream(type.getEnumConstants()).map(Enum::name)
                .filter(name -> !name.equals("DEFAULT")).toList();
        String upper = raw.get().toUpperCase(Locale.ROOT);
        if (choices.contains(upper)) {
            return Enum.valueOf(type, upper);
        }
        throw new BackendConfigurationException(String.format(
                "Configuration parameter %s = \"%s\" is not %s; use one of %s.",
                key, raw.get(), what, choices.stream().collect(Collectors.joining(", "))));
    }

    private static BackendConfigurationException invalid(String where, String problem) {
        return new BackendConfigurationException(where + ": " + problem + ".");
    }
}
