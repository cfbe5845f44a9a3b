package dev.managedbackend.internal.os;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The files we write, all in one {@link PrivateFolder} checked once: each is created, never
 * opened by a name someone else could have prepared. A new file is made with create-new and
 * no-follow (a planted file or link makes the write fail instead of landing elsewhere), mode 600
 * from its first instant; content that must appear whole goes to a temporary name in the same
 * folder first and is renamed over the target. Before each write the folder's identity (its file
 * key: device and inode) is compared with the one checked, so a folder renamed away and replaced
 * since is refused, not written into.
 */
public final class PrivateFiles {

    static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<?>[] PRIVATE = PrivateFolder.POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
            : new FileAttribute<?>[0];

    private final Path dir;
    private final String what;
    private final Object key;

    private PrivateFiles(Path dir, String what, Object key) {
        this.dir = dir;
        this.what = what;
        this.key = key;
    }

    /**
     * The files of {@code dir}, which is made private first ({@link PrivateFolder#ensure}).
     *
     * @param what what the folder is for, for messages
     */
    public static PrivateFiles in(Path dir, String what) throws PrivateFolder.NotPrivate {
        Path folder = PrivateFolder.ensure(dir, what);
        try {
            return new PrivateFiles(folder, what, attributes(folder).fileKey());
        } catch (IOException e) {
            throw new PrivateFolder.NotPrivate(what + " " + folder + " cannot be read (" + e + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * A new, empty file {@code prefix<random>suffix}: a name no one can guess, so no one can
     * prepare it (and if someone could, create-new would refuse it).
     */
    public Path createUnpredictable(String prefix, String suffix) throws IOException {
        return Uninterrupted.run(() -> {
            checkIdentity();
            Path file = dir.resolve(prefix + randomToken() + suffix);
            create(file).close();
            return file;
        });
    }

    /**
     * Writes {@code name} as a whole: a reader sees the old content or the new one, never a
     * part. Replaces what was there (rename(2) replaces an entry, it never follows a link).
     */
    public Path replace(String name, byte[] content) throws IOException {
        return Uninterrupted.run(() -> replaceNow(name, content));
    }

    private Path replaceNow(String name, byte[] content) throws IOException {
        checkIdentity();
        Path target = dir.resolve(name);
        Path partial = dir.resolve(name + "." + randomToken() + ".partial");
        SeekableByteChannel channel = create(partial); // from here on, the partial file is ours to remove
        try {
            try (channel) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            checkIdentity();
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /**
     * Opens a file of this folder that lives across JVMs (a lock file), creating it mode 600 if it
     * is missing. Only a regular file of this user is opened: never a link.
     */
    public FileChannel openShared(String name) throws IOException {
        checkIdentity();
        Path file = dir.resolve(name);
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PRIVATE);
        Optional<String> untrusted = PrivateFolder.untrustedEntry(file);
        if (untrusted.isPresent()) {
            channel.close();
            throw new IOException("the file " + file + " " + untrusted.get() + "; remove it (it is made again)");
        }
        if (PrivateFolder.POSIX && !Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                .equals(OWNER_READ_WRITE)) {
            Files.setPosixFilePermissions(file, OWNER_READ_WRITE); // made by an older version, 644
        }
        return channel;
    }

    /**
     * Appends to a file this folder already holds (a log reopened after its creation): never
     * creates one, never follows a link, and only a regular file of this user.
     */
    public OutputStream append(Path file) throws IOException {
        checkIdentity();
        requireInside(file);
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS);
        Optional<String> untrusted = PrivateFolder.untrustedEntry(file);
        if (untrusted.isPresent()) {
            out.close();
            throw new IOException("the file " + file + " " + untrusted.get() + "; not writing to it");
        }
        return out;
    }

    /**
     * Checks that {@code file}, about to be opened by name by someone else (a child process's
     * output redirect), is still the regular file of this user that we made, in the folder checked.
     */
    public Path checkedForReopen(Path file) throws IOException {
        checkIdentity();
        requireInside(file);
        Optional<String> untrusted = PrivateFolder.untrustedEntry(file);
        if (untrusted.isPresent()) {
            throw new IOException("the file " + file + " " + untrusted.get() + "; not writing to it");
        }
        return file;
    }

    /**
     * Fails if the folder is no longer the one checked: another folder (or a link) in its place,
     * or it changed hands or mode since.
     */
    public void checkIdentity() throws IOException {
        BasicFileAttributes now;
        try {
            now = attributes(dir);
        } catch (IOException e) {
            throw new IOException(what + " " + dir + " is gone (" + e + "); it was checked when first used, "
                    + "so something moved or removed it since. Not writing there.", e);
        }
        String changed = !Objects.equals(now.fileKey(), key) ? "is another folder than the one checked (file key "
                + key + ", now " + now.fileKey() + ")"
                : now.isSymbolicLink() ? "is now a symbolic link"
                : now instanceof PosixFileAttributes posix && !posix.permissions().equals(PrivateFolder.OWNER_ONLY)
                        ? "now has mode " + PosixFilePermissions.toString(posix.permissions())
                        : PrivateFolder.ownerProblem(dir).orElse(null);
        if (changed != null) {
            throw new IOException(what + " " + dir + " " + changed + ": something replaced or changed it since it "
                    + "was checked. Not writing there; find out what did, and make the folder private "
                    + "(owned by you, mode 700) again.");
        }
    }

    private void requireInside(Path file) throws IOException {
        if (!dir.equals(file.toAbsolutePath().normalize().getParent())) {
            throw new IOException(file + " is not a file of " + what + " " + dir);
        }
    }

    private static SeekableByteChannel create(Path file) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try {
            return Files.newByteChannel(file, options, PRIVATE);
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null, "something is already there (a file, or a "
                    + "link planted to make us write elsewhere); not writing through it");
        }
    }

    private static BasicFileAttributes attributes(Path dir) throws IOException {
        return PrivateFolder.POSIX
                ? Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                : Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    /** 64 random bits as hex: no other user can guess a name made with it. */
    public static String randomToken() {
        return RandomHex.of(8);
    }
}
