package dev.managedbackend.internal;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * This user's folder for run state shared between test JVMs (port leases, the crash ledger).
 * Used only if it is private to the user (see {@link PrivateFolder}), so no other user can read
 * it or plant files in it.
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

    /**
     * Creates the folder if needed (mode 700), else checks that it is private: owned by this user,
     * not a link, writable by nobody else (a folder of ours that is too open is repaired).
     */
    static Path ensure(Path dir) {
        try {
            return PrivateFolder.ensure(dir, "The managed-backend state folder (" + ManagedBackend.STATE_DIR_PROPERTY_NAME
                    + ")");
        } catch (PrivateFolder.NotPrivate e) {
            throw new BackendStartException(e.getMessage() + ".", e);
        }
    }
}
