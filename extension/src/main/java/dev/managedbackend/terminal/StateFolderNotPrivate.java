package dev.managedbackend.terminal;

import java.nio.file.Path;

import dev.managedbackend.internal.os.PrivateFolder;

/**
 * The state folder (or a folder in it) cannot be trusted: not this user's, open to others, or a
 * link. The message says which folder and what to do.
 */
public final class StateFolderNotPrivate extends Exception {

    private static final long serialVersionUID = 1L;

    StateFolderNotPrivate(PrivateFolder.NotPrivate cause) {
        super(cause.getMessage(), cause);
    }

    /**
     * {@code dir}, created private (0700, no links followed) if missing, or refused when it is not
     * private; {@code what} names it in the message, e.g. "The managed-backend state folder".
     */
    public static Path ensure(Path dir, String what) throws StateFolderNotPrivate {
        try {
            return PrivateFolder.ensure(dir, what);
        } catch (PrivateFolder.NotPrivate e) {
            throw new StateFolderNotPrivate(e);
        }
    }
}
