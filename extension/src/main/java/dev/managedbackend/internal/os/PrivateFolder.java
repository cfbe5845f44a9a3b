package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;


/**
 * Where run state may be kept: a folder is trusted only if the current user owns it, it is not
 * a symbolic link, and neither group nor others can write it. Others could otherwise plant
 * entries that the crash guard acts on, or take the port leases away. Where the file system has
 * no POSIX owners and permissions (Windows), only the link rule applies.
 */
public final class PrivateFolder {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private PrivateFolder() {
    }

    /** Why a folder cannot be trusted, or could not be made; the message names it and the fix. */
    public static final class NotPrivate extends Exception {
        private static final long serialVersionUID = 1L;

        NotPrivate(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Creates {@code dir} (mode 700) if it does not exist, else checks it. A folder of this user
     * that others can write is repaired to 700, with a warning.
     *
     * @param what what the folder is for, e.g. "the managed-backend state folder (managedbackend.stateDir)"
     * @throws NotPrivate naming the folder, what is wrong and the fix
     */
    public static Path ensure(Path dir, String what) throws NotPrivate {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir);
                if (POSIX) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new NotPrivate(what + " " + dir + " could not be created (" + e + "); make its parent "
                    + "writable, or point the setting at a folder you own", e);
        }
        Optional<String> problem = problem(dir);
        if (problem.isPresent()) {
            throw new NotPrivate(what + " " + dir + " " + problem.get() + ", so others could plant or change "
                    + "what managed-backend trusts there. Use a folder that you own and that only you can write "
                    + "(mkdir -m 700), or remove this one", null);
        }
        if (POSIX) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
                if (permissions.stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                    // the logger only here: the command line's status and stop read this class without logging
                    Logs.logger().warn("managed-backend: " + what + " " + dir + " was writable by "
                            + "others (" + PosixFilePermissions.toString(permissions) + "); made it rwx------");
                }
            } catch (IOException e) {
                throw new NotPrivate(what + " " + dir + " is writable by others and could not be made private ("
                        + e + "); chmod 700 it, or point the setting at another folder", e);
            }
        }
        return dir;
    }

    /**
     * Why {@code dir} is not to be trusted, if it is not; a folder of this user that is merely
     * too open does not count here ({@link #ensure} repairs it).
     */
    static Optional<String> problem(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            return Optional.of("is a symbolic link");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("is not a folder");
        }
        return ownerProblem(dir);
    }

    /**
     * Whether a file in a private folder may be trusted: a regular file (not a link) that this
     * user owns. Others' files are ignored with a warning by the caller.
     */
    public static Optional<String> untrustedEntry(Path file) {
        if (Files.isSymbolicLink(file)) {
            return Optional.of("is a symbolic link");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("is not a regular file");
        }
        return ownerProblem(file);
    }

    private static Optional<String> ownerProblem(Path path) {
        if (!UNIX) {
            return Optional.empty(); // no numeric owners to compare
        }
        try {
            int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = CurrentUser.UID;
            return owner == self ? Optional.empty()
                    : Optional.of("belongs to uid " + owner + ", not to you (uid " + self + ")");
        } catch (IOException | RuntimeException e) {
            return Optional.of("has an owner that cannot be read (" + e + ")");
        }
    }

    /** Read once, when first needed. */
    private static final class CurrentUser {
        static final int UID = read();

        private static int read() {
            try {
                return currentUid();
            } catch (IOException e) {
                return -1; // then nothing counts as ours, and the caller says so
            }
        }
    }

    /** The uid of this JVM's user: the owner of its own /proc entry, else of a file it creates. */
    private static int currentUid() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return (Integer) Files.getAttribute(self, "unix:uid");
        }
        Path probe = Files.createTempFile("managed-backend-uid", ".probe");
        try {
            return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
