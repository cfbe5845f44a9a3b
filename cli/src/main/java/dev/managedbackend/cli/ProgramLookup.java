package dev.managedbackend.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether {@code run}'s CMD can be executed, checked the way a shell looks a program up, before
 * a backend is started for it: a name with a {@code /} is a path (relative to the current
 * folder), any other name is looked up in the PATH. The exit codes are a shell's: 127 for a
 * program not found, 126 for one found but not executable.
 */
final class ProgramLookup {

    /** Exit code of a program not found (as a shell's "command not found"). */
    static final int NOT_FOUND = 127;
    /** Exit code of a program found but not executable (as a shell's "permission denied"). */
    static final int NOT_EXECUTABLE = 126;

    /** Why CMD cannot run, and the exit code that says so. */
    record Problem(int exit, String message) {
    }

    private ProgramLookup() {
    }

    /** Empty when {@code program} can be executed; {@code path} is the PATH variable (null if unset). */
    static Optional<Problem> check(String program, String path) {
        if (program.contains("/")) {
            Path file = Path.of(program);
            if (!Files.exists(file)) {
                return Optional.of(new Problem(NOT_FOUND, "run: CMD " + program + " does not exist (relative to the "
                        + "current folder, " + Path.of("").toAbsolutePath() + "); check the path"));
            }
            if (Files.isDirectory(file) || !Files.isExecutable(file)) {
                return Optional.of(new Problem(NOT_EXECUTABLE, "run: CMD " + program + " is not executable"
                        + (Files.isDirectory(file) ? " (a folder)" : "; make it so with chmod +x " + program)));
            }
            return Optional.empty();
        }
        String dirs = path == null ? "" : path;
        for (String dir : dirs.split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.empty();
            }
        }
        return Optional.of(new Problem(NOT_FOUND, "run: CMD " + program + ": command not found in the PATH ("
                + (dirs.isEmpty() ? "unset" : dirs) + "); check its spelling, or give its path (e.g. ./" + program
                + ")"));
    }
}
