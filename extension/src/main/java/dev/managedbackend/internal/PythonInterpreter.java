package dev.managedbackend.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.managedbackend.BackendStartException;

/**
 * Which Python runs a uvicorn app: the {@code python} attribute, else {@code <dir>/.venv/bin/python},
 * else {@code $VIRTUAL_ENV/bin/python}, else {@code python3} on the {@code PATH}.
 *
 * @param path the interpreter
 * @param origin how it was found, for messages
 */
public record PythonInterpreter(Path path, String origin) {

    public static PythonInterpreter resolve(BackendSpec spec, Map<String, String> environment) {
        String backend = "backend '" + spec.name() + "'";
        if (!spec.python().isEmpty()) {
            Path given = Path.of(spec.python());
            Optional<Path> found = given.getNameCount() == 1 && !spec.python().contains(File.separator)
                    ? onPath(spec.python(), environment)
                    : Optional.of(spec.dir().resolve(given).normalize());
            String origin = "python = \"" + spec.python() + "\"";
            if (found.isEmpty() || !Files.isExecutable(found.get())) {
                throw new BackendStartException(backend + ": the Python interpreter "
                        + found.map(Path::toString).orElse(spec.python()) + " (from " + origin
                        + ") does not exist or is not executable. Set python to an interpreter "
                        + "that has uvicorn installed (an absolute path, a path relative to dir, or "
                        + "a command on the PATH), or leave it out to use " + spec.dir()
                        + "/.venv/bin/python, $VIRTUAL_ENV or python3.");
            }
            return new PythonInterpreter(found.get(), origin);
        }
        Path venv = spec.dir().resolve(".venv/bin/python");
        if (Files.isExecutable(venv)) {
            return new PythonInterpreter(venv, "the app's .venv");
        }
        String virtualEnv = environment.get("VIRTUAL_ENV");
        if (virtualEnv != null && !virtualEnv.isBlank()) {
            Path active = Path.of(virtualEnv, "bin", "python");
            if (Files.isExecutable(active)) {
                return new PythonInterpreter(active, "$VIRTUAL_ENV");
            }
        }
        return onPath("python3", environment)
                .map(path -> new PythonInterpreter(path, "python3 on the PATH"))
                .orElseThrow(() -> new BackendStartException(backend + ": found no Python "
                        + "interpreter: python is not set, " + venv + " does not exist, "
                        + (virtualEnv == null ? "$VIRTUAL_ENV is not set" : "$VIRTUAL_ENV/bin/python ("
                                + virtualEnv + ") does not exist")
                        + ", and there is no python3 on the PATH. Create a virtualenv with uvicorn "
                        + "at " + spec.dir() + "/.venv, or set python = \"/path/to/python\"."));
    }

    private static Optional<Path> onPath(String command, Map<String, String> environment) {
        String path = environment.getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
