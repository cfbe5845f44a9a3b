package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;


/**
 * Where run state and logs may be kept: a folder is trusted only if it is private all the way up.
 * The folder itself belongs to the current user, is not a symbolic link and has mode 700 exactly;
 * every folder above it belongs to the user or to root and no one else can write it, unless it is
 * root's and sticky ({@code /tmp}), where no one can rename or delete what is not theirs. Another
 * user could otherwise read what is written there (a log with a password), plant links named like
 * the next file we write, or rename the folder away and put one of theirs in its place. Where the
 * file system has no POSIX owners and permissions (Windows), only the link rule applies.
 */
public final class PrivateFolder {

    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final int ROOT = 0;
    private static final int STICKY = 01000;

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
     * Creates {@code dir} (mode 700) if it does not exist, else checks it; either way every folder
     * above it is checked too. A folder of this user that is more open than 700 is repaired, with a
     * warning.
     *
     * @param what what the folder is for, e.g. "the managed-backend state folder (managedbackend.stateDir)"
     * @return the folder as an absolute path
     * @throws NotPrivate naming the folder, what is wrong and the fix
     */
    public static Path ensure(Path dir, String what) throws NotPrivate {
        Path folder = dir.toAbsolutePath().normalize();
        Optional<String> parentProblem = parentProblem(folder);
        if (parentProblem.isPresent()) {
            throw new NotPrivate(what + " " + folder + " " + parentProblem.get() + ", so another user could rename "
                    + "the folder away and put one of theirs in its place. Use a folder whose parents belong to "
                    + "you or root and that no one else can write (e.g. under your home folder), or remove the "
                    + "write access of others (chmod go-w)", null);
        }
        try {
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                create(folder);
            }
        } catch (IOException e) {
            throw new NotPrivate(what + " " + folder + " could not be created (" + e + "); make its parent "
                    + "writable, or point the setting at a folder you own", e);
        }
        Optional<String> problem = problem(folder);
        if (problem.isPresent()) {
            throw new NotPrivate(what + " " + folder + " " + problem.get() + ", so others could plant or change "
                    + "what managed-backend trusts there. Use a folder that you own and that only you can write "
                    + "(mkdir -m 700), or remove this one", null);
        }
        repairIfOpen(folder, what);
        return folder;
    }

    /** The folders that are missing are made; the last one (ours to write in) owner-only. */
    private static void create(Path folder) throws IOException {
        Files.createDirectories(folder.getParent());
        try {
            if (POSIX) {
                // created 700 (the umask only takes away), so it is never open, not even for an instant
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createDirectory(folder);
            }
        } catch (FileAlreadyExistsException e) {
            // another start (of this JVM or another) made it a moment ago: the checks that follow
            // decide whether it can be trusted, as for any folder that was there before
        }
    }

    private static void repairIfOpen(Path folder, String what) throws NotPrivate {
        if (!POSIX) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder, LinkOption.NOFOLLOW_LINKS);
            if (!permissions.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(folder, OWNER_ONLY);
                Logs.logger().warn("managed-backend: " + what + " " + folder + " had mode "
                        + PosixFilePermissions.toString(permissions) + ", so other users could "
                        + (permissions.stream().anyMatch(WRITABLE_BY_OTHERS::contains) ? "write" : "read")
                        + " it; made it rwx------");
            }
        } catch (IOException e) {
            throw new NotPrivate(what + " " + folder + " is open to others and could not be made private ("
                    + e + "); chmod 700 it, or point the setting at another folder", e);
        }
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
        Optional<String> owner = ownerProblem(dir);
        if (owner.isPresent() || !UNIX) {
            return owner;
        }
        try {
            // root's /tmp is "ours" to root, but shared by design: never made 700, never written in
            int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & STICKY) != 0 ? Optional.of("is a folder shared by design (sticky, mode "
                    + String.format("%04o", mode & 07777) + "), where others may create files") : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("has a mode that cannot be read (" + e + ")");
        }
    }

    /**
     * Why a folder above {@code folder} lets another user replace it, if one does. The parents are
     * looked at as written and where their links lead ({@code /var/run} is a link to {@code /run}),
     * from the nearest one that exists up to {@code /}; a link on the way must be yours or root's,
     * since whoever owns a link can point it elsewhere.
     */
    public static Optional<String> parentProblem(Path folder) {
        if (!UNIX || folder.getParent() == null) {
            return Optional.empty();
        }
        for (Path parent = folder.getParent(); parent != null; parent = parent.getParent()) {
            if (Files.isSymbolicLink(parent)) {
                Optional<String> problem = linkProblem(parent);
                if (problem.isPresent()) {
                    return Optional.of("is reached through " + parent + ", a symbolic link that " + problem.get());
                }
            }
        }
        Path existing = folder.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.empty();
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            return Optional.of("is inside " + existing + ", which cannot be resolved (" + e + ")");
        }
        for (Path parent = real; parent != null; parent = parent.getParent()) {
            Optional<String> problem = parentFolderProblem(parent);
            if (problem.isPresent()) {
                return Optional.of("is inside " + parent + ", which " + problem.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> linkProblem(Path link) {
        try {
            int owner = (Integer) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return owner == CurrentUser.UID || owner == ROOT ? Optional.empty()
                    : Optional.of("belongs to uid " + owner + " (you are uid " + CurrentUser.UID + ")");
        } catch (IOException | RuntimeException e) {
            return Optional.of("has an owner that cannot be read (" + e + ")");
        }
    }

    private static Optional<String> parentFolderProblem(Path parent) {
        try {
            int owner = (Integer) Files.getAttribute(parent, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(parent, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int self = CurrentUser.UID;
            if (owner != self && owner != ROOT) {
                return Optional.of("belongs to uid " + owner + " (you are uid " + self + ")");
            }
            boolean writableByOthers = (mode & 0022) != 0;
            boolean stickyOfRoot = (mode & STICKY) != 0 && owner == ROOT;
            if (writableByOthers && !stickyOfRoot) {
                return Optional.of("others can write (mode " + String.format("%04o", mode & 07777) + ")");
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.of("disappeared while it was checked");
        } catch (IOException | RuntimeException e) {
            return Optional.of("has an owner or mode that cannot be read (" + e + ")");
        }
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

    static Optional<String> ownerProblem(Path path) {
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

    /** The uid of this JVM's user (-1 if it cannot be read: then nothing counts as ours). */
    public static int currentUid() {
        return CurrentUser.UID;
    }

    /** Read once, when first needed. */
    private static final class CurrentUser {
        static final int UID = read();

        private static int read() {
            try {
                return readUid();
            } catch (IOException e) {
                return -1; // then nothing counts as ours, and the caller says so
            }
        }
    }

    /** The uid of this JVM's user: the owner of its own /proc entry, else of a file it creates. */
    private static int readUid() throws IOException {
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
