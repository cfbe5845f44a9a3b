package dev.managedbackend.internal;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.managedbackend.BackendStartException;

/**
 * This user's folder for run state shared between test JVMs (port leases). Private to the user
 * (mode 700), so no other user can read it or plant files in it.
 */
final class StateDirectory {

    private StateDirectory() {
    }

    static Path defaultLocation() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "managed-backend");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "managed-backend");
    }

    /** Creates the folder if needed, owner-only where the file system has POSIX permissions. */
    static Path ensure(Path dir) {
        try {
            Files.createDirectories(dir);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            return dir;
        } catch (IOException e) {
            throw new BackendStartException("Could not create the managed-backend state folder " + dir
                    + "; set -D" + dev.managedbackend.ManagedBackend.STATE_DIR_PROPERTY_NAME
                    + " to a writable folder", e);
        }
    }
}
