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
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Scope;
import dev.managedbackend.internal.BackendSpec.Mode;

/**
 * Turns {@link ManagedBackend} declarations into validated {@link BackendSpec}s. Every rule
 * lives here, and every violation is reported before anything starts, with the attribute, the
 * rule, the value and the fix.
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

    /** Reads all declarations of one test class; names must be distinct. */
    public List<BackendSpec> read(List<ManagedBackend> declarations, Class<?> testClass) {
        List<BackendSpec> specs = new ArrayList<>();
        Map<String, ManagedBackend> byName = new LinkedHashMap<>();
        for (ManagedBackend declaration : declarations) {
            ManagedBackend previous = byName.putIfAbsent(declaration.name(), declaration);
            if (previous != null) {
                throw new ExtensionConfigurationException(String.format(
                        "%s declares two @ManagedBackend with name = \"%s\"; names must be distinct "
                                + "within a test class. Give each one its own name, e.g. "
                                + "@ManagedBackend(name = \"users\", ...).",
                        testClass.getName(), declaration.name()));
            }
            specs.add(read(declaration, testClass));
        }
        EnvReferences.ordered(specs, testClass); // fails on unknown targets and cycles
        return specs;
    }

    public BackendSpec read(ManagedBackend a, Class<?> testClass) {
        String where = "@ManagedBackend(name = \"" + a.name() + "\") on " + testClass.getName();
        if (a.name().isBlank()) {
            throw invalid(where, "name = \"" + a.name() + "\" is blank; give the backend a name, "
                    + "or leave name out for \"default\"");
        }
        Mode mode = mode(a, where);
        Path dir = dir(a, where);
        int port = a.port();
        if (port < 0 || port > 65535) {
            throw invalid(where, "port = " + port + " is outside 1..65535; use 0 to let the "
                    + "extension pick a free port, or a port from 1 to 65535");
        }
        if (mode.isContainer() && (a.containerPort() < 1 || a.containerPort() > 65535)) {
            throw invalid(where, "containerPort = " + a.containerPort() + " is outside 1..65535; "
                    + "set it to the port the app listens on inside the container");
        }
        int timeout = a.startupTimeoutSeconds() != 60
                ? a.startupTimeoutSeconds()
                : config.integer(ManagedBackend.STARTUP_TIMEOUT_PROPERTY_NAME, 60, 1);
        if (timeout <= 0) {
            throw invalid(where, "startupTimeoutSeconds = " + timeout + " is not positive; give "
                    + "the backend at least 1 second to start");
        }
        String healthPath = !a.healthPath().equals("/health")
                ? a.healthPath()
                : config.string(ManagedBackend.HEALTH_PATH_PROPERTY_NAME).orElse("/health");
        if (!healthPath.isEmpty() && !healthPath.startsWith("/")) {
            throw invalid(where, "healthPath = \"" + healthPath + "\" does not start with '/'; "
                    + "write it as \"/" + healthPath + "\", or \"\" to only wait for the port");
        }
        if (mode == Mode.APP) {
            checkUvicornArgs(a.args(), where);
        }
        String dockerfile = mode == Mode.DOCKERFILE ? dockerfile(a, where) : a.dockerfile();
        Scope scope = a.scope() != Scope.CLASS ? a.scope() : configuredScope();
        return new BackendSpec(a.name(), mode, a.app(), Arrays.asList(a.command()), dir,
                a.python().isEmpty() ? config.string(ManagedBackend.PYTHON_PROPERTY_NAME, "") : a.python(),
                Arrays.asList(a.args()), a.image(), dockerfile, a.containerPort(), healthPath,
                port, Duration.ofSeconds(timeout), env(a.env(), where), scope);
    }

    private static Mode mode(ManagedBackend a, String where) {
        Map<Mode, String> set = new LinkedHashMap<>();
        if (!a.app().isEmpty()) {
            set.put(Mode.APP, "app = \"" + a.app() + "\"");
        }
        if (a.command().length > 0) {
            set.put(Mode.COMMAND, "command = " + Arrays.toString(a.command()));
        }
        if (!a.image().isEmpty()) {
            set.put(Mode.IMAGE, "image = \"" + a.image() + "\"");
        }
        if (!a.dockerfile().isEmpty()) {
            set.put(Mode.DOCKERFILE, "dockerfile = \"" + a.dockerfile() + "\"");
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
        if (mode == Mode.APP && !APP.matcher(a.app()).matches()) {
            throw invalid(where, "app = \"" + a.app() + "\" is not a uvicorn target; write it as "
                    + "\"module:attribute\", e.g. \"app.main:app\"");
        }
        if (mode == Mode.IMAGE && a.image().isBlank()) {
            throw invalid(where, "image = \"" + a.image() + "\" is blank; name an image, e.g. "
                    + "\"my-app:dev\" or \"registry.example.com/team/app:1.4\"");
        }
        if (mode == Mode.COMMAND && a.command()[0].isBlank()) {
            throw invalid(where, "command = " + Arrays.toString(a.command()) + " starts with a "
                    + "blank program name; put the program first, e.g. {\"./server\", \"--port\", \"{port}\"}");
        }
        return mode;
    }

    private Path dir(ManagedBackend a, String where) {
        String raw = !a.dir().equals(".") ? a.dir() : config.string(ManagedBackend.DIR_PROPERTY_NAME, ".");
        Path dir = workingDir.resolve(raw).normalize();
        if (!Files.isDirectory(dir)) {
            throw invalid(where, "dir = \"" + raw + "\" is not a directory (resolved to " + dir
                    + " from the working directory " + workingDir + "). Set dir to the app's "
                    + "folder, relative to the test JVM's working directory or absolute");
        }
        return dir;
    }

    /** The Dockerfile as an absolute path; it must exist before anything starts. */
    private String dockerfile(ManagedBackend a, String where) {
        Path file = workingDir.resolve(a.dockerfile()).normalize();
        if (!Files.isRegularFile(file)) {
            throw invalid(where, "dockerfile = \"" + a.dockerfile() + "\" is not a file (resolved to "
                    + file + " from the working directory " + workingDir + "). Set dockerfile to the "
                    + "Dockerfile's path, relative to the test JVM's working directory or absolute; "
                    + "its folder is the build context");
        }
        return file.toString();
    }

    private static void checkUvicornArgs(String[] args, String where) {
        for (String arg : args) {
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (FORBIDDEN_UVICORN_ARGS.contains(option)) {
                throw invalid(where, "args = " + Arrays.toString(args) + " contains " + option
                        + "; the extension passes the port itself and needs a TCP port to check. "
                        + (option.equals("--port") ? "Use the port attribute instead"
                                : "Remove " + option));
            }
        }
    }

    private static Map<String, String> env(String[] entries, String where) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            if (eq < 0 || !ENV_KEY.matcher(key).matches()) {
                throw invalid(where, "env entry \"" + entry + "\" is not KEY=VALUE with KEY made "
                        + "of letters, digits and '_' (not starting with a digit); write it as "
                        + "e.g. \"LOG_LEVEL=debug\"");
            }
            env.put(key, entry.substring(eq + 1));
        }
        return env;
    }

    private Scope configuredScope() {
        String raw = config.string(ManagedBackend.SCOPE_PROPERTY_NAME, "CLASS");
        try {
            return Scope.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(String.format(
                    "Configuration parameter %s = \"%s\" is not a scope; use one of %s.",
                    ManagedBackend.SCOPE_PROPERTY_NAME, raw,
                    Arrays.stream(Scope.values()).map(Enum::name).collect(Collectors.joining(", "))));
        }
    }

    private static ExtensionConfigurationException invalid(String where, String problem) {
        return new ExtensionConfigurationException(where + ": " + problem + ".");
    }
}
