package dev.managedbackend.internal;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.PrivateFiles;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * This user's folder for run state shared between test JVMs (port leases, the crash ledger).
 * Used only if it is private to the user all the way up (see {@link PrivateFolder}), so no other
 * user can read it, plant files in it or swap it for one of theirs.
 */
final class StateDirectory {

    private static final Logger LOG = Logs.logger();
    /** Settings are read for each class: say it once. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private StateDirectory() {
    }

    static Path defaultLocation() {
        return defaultLocation(System.getenv(), System.getProperty("user.home"));
    }

    /**
     * {@code $XDG_RUNTIME_DIR/managed-backend} where that folder meets the XDG rules (owned by
     * this user, mode 700, private all the way up); else {@code <home>/.cache/managed-backend}.
     * The home is {@code user.home}, or {@code $HOME} for a uid without a passwd entry (for which
     * Java says {@code "?"}); never a relative path.
     */
    static Path defaultLocation(Map<String, String> env, String userHome) {
        Optional<Path> runtime = runtimeDir(env.get("XDG_RUNTIME_DIR"));
        if (runtime.isPresent()) {
            return runtime.get().resolve("managed-backend");
        }
        return home(env, userHome).resolve(".cache").resolve("managed-backend");
    }

    private static Optional<Path> runtimeDir(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path dir = Path.of(value);
        Optional<String> problem = runtimeDirProblem(dir);
        if (problem.isPresent()) {
            if (WARNED.add(value)) {
                LOG.warn("managed-backend: not using XDG_RUNTIME_DIR " + value + ": it " + problem.get() + " (the XDG "
                    + "rules: an absolute path to a folder owned by you, mode 700). The state folder is under the "
                    + "home folder instead; set " + ManagedBackend.STATE_DIR_PROPERTY_NAME + " to choose another.");
            }
            return Optional.empty();
        }
        return Optional.of(dir);
    }

    private static Optional<String> runtimeDirProblem(Path dir) {
        if (!dir.isAbsolute()) {
            return Optional.of("is a relative path");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(Files.isSymbolicLink(dir) ? "is a symbolic link" : "is not a folder");
        }
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != PrivateFolder.currentUid()) {
                return Optional.of("belongs to uid " + owner + ", not to you (uid " + PrivateFolder.currentUid() + ")");
            }
            if (!"rwx------".equals(mode)) {
                return Optional.of("has mode " + mode);
            }
            return PrivateFolder.parentProblem(dir.resolve("managed-backend"));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty(); // no POSIX owners (Windows): only the link rule applies
        } catch (java.io.IOException e) {
            return Optional.of("cannot be read (" + e + ")");
        }
    }

    private static Path home(Map<String, String> env, String userHome) {
        if (userHome != null && !"?".equals(userHome) && Path.of(userHome).isAbsolute()) {
            return Path.of(userHome);
        }
        String home = env.get("HOME");
        if (home != null && Path.of(home).isAbsolute()) {
            return Path.of(home);
        }
        throw new BackendStartException("managed-backend found no place for its state folder: user.home is \""
                + userHome + "\" (uid " + PrivateFolder.currentUid() + " has no passwd entry, as in a container run "
                + "with --user) and $HOME is " + (home == null ? "unset" : "\"" + home + "\", not an absolute path")
                + ". Set HOME to a folder of yours, or XDG_RUNTIME_DIR to a private one (mode 700), or -D"
                + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=<a folder of yours>.");
    }

    /**
     * The folder's files, for writing them safely ({@link PrivateFiles}). The folder is created if
     * needed (mode 700), else checked: owned by this user, not a link, mode 700 (a folder of ours
     * that is too open is repaired), and no folder above it that another user could write.
     */
    static PrivateFiles files(Path dir) {
        try {
            return PrivateFiles.in(dir, "The managed-backend state folder (" + ManagedBackend.STATE_DIR_PROPERTY_NAME
                    + ")");
        } catch (PrivateFolder.NotPrivate e) {
            throw new BackendStartException(e.getMessage() + ".", e);
        }
    }
}
