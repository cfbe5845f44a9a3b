package dev.managedbackend.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.managedbackend.BackendStartException;

/**
 * Which Python runs a uvicorn app: the {@code python} attribute; else the virtualenv in
 * {@code <dir>/.venv}, else the active one ({@code $VIRTUAL_ENV}), each in its POSIX layout
 * ({@code bin/python}) or its Windows layout ({@code Scripts\python.exe}); else {@code python3},
 * else {@code python}, on the {@code PATH} (with the {@code PATHEXT} extensions on Windows).
 *
 * @param path the interpreter
 * @param origin how it was found, for messages
 */
public record PythonInterpreter(Path path, String origin) {

    /** Where a virtualenv keeps its interpreter: POSIX first, then Windows. */
    private static final List<String> VENV_LAYOUTS = List.of("bin/python", "Scripts/python.exe");
    private static final List<String> ON_PATH = List.of("python3", "python");

    public static PythonInterpreter resolve(BackendSpec spec, Map<String, String> environment) {
        String backend = "backend '" + spec.name() + "'";
        if (!spec.python().isEmpty()) {
            Path given = Path.of(spec.python());
            Optional<Path> found = given.getNameCount() == 1 && !spec.python().contains(File.separator)
                    && !spec.python().contains("/")
                    ? onPath(spec.python(), environment)
                    : Optional.of(spec.dir().resolve(given).normalize());
            Caller caller = Caller.current();
            String origin = caller.setting("python", spec.python());
            if (found.isEmpty() || !Files.isExecutable(found.get())) {
                throw new BackendStartException(backend + ": the Python interpreter "
                        + found.map(Path::toString).orElse(spec.python()) + " (from " + origin
                        + ") does not exist or is not executable. Set " + caller.name("python") + " to an interpreter "
                        + "that has uvicorn installed (an absolute path, a path relative to " + caller.name("dir")
                        + ", or a command on the PATH), or leave it out to use " + spec.dir()
                        + "/.venv/bin/python, $VIRTUAL_ENV, python3 or python.");
            }
            return new PythonInterpreter(found.get(), origin);
        }
        Path venv = spec.dir().resolve(".venv");
        Optional<Path> inVenv = inVirtualenv(venv);
        if (inVenv.isPresent()) {
            return new PythonInterpreter(inVenv.get(), "the app's .venv");
        }
        String virtualEnv = environment.get("VIRTUAL_ENV");
        if (virtualEnv != null && !virtualEnv.isBlank()) {
            Optional<Path> active = inVirtualenv(Path.of(virtualEnv));
            if (active.isPresent()) {
                return new PythonInterpreter(active.get(), "$VIRTUAL_ENV");
            }
        }
        for (String command : ON_PATH) {
            Optional<Path> found = onPath(command, environment);
            if (found.isPresent()) {
                return new PythonInterpreter(found.get(), command + " on the PATH");
            }
        }
        throw new BackendStartException(backend + ": found no Python interpreter: python is not set, " + venv
                + " has no bin/python (nor Scripts\\python.exe), "
                + (virtualEnv == null ? "$VIRTUAL_ENV is not set" : "$VIRTUAL_ENV (" + virtualEnv + ") has none either")
                + ", and there is neither python3 nor python on the PATH. Create a virtualenv with uvicorn at "
                + venv + ", or set " + Caller.current().setting("python", "/path/to/python") + ".");
    }

    private static Optional<Path> inVirtualenv(Path venv) {
        return VENV_LAYOUTS.stream().map(venv::resolve).filter(Files::isExecutable).findFirst();
    }

    /** {@code command} in a folder of the PATH; on Windows also {@code command} with a PATHEXT extension. */
    private static Optional<Path> onPath(String command, Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", environment.getOrDefault("Path", ""));
        List<String> names = new ArrayList<>(List.of(command));
        String pathExt = environment.get("PATHEXT");
        if (pathExt != null && !pathExt.isBlank()) { // Windows
            for (String ext : pathExt.split(";")) {
                if (!ext.isBlank()) {
                    names.add(command + ext.toLowerCase(Locale.ROOT));
                }
            }
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            for (String name : names) {
                Path candidate = Path.of(entry, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
