package dev.managedbackend.cli;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import dev.managedbackend.terminal.StateFolderNotPrivate;

/**
 * Small per-backend records that the command line keeps beside the ledger, one properties file
 * per backend name in a folder of the state folder, private like the rest of it (0700 folder,
 * 0600 files, written whole and moved into place). A detached backend's name is unique while it
 * runs, so its name is its key.
 */
final class NamedRecords {

    private final String folder;
    private final String what;

    /**
     * @param folder the folder in the state folder, e.g. {@code env-files}
     * @param what   the first line of each file, what it is for
     */
    NamedRecords(String folder, String what) {
        this.folder = folder;
        this.what = what;
    }

    void write(Path stateDir, String name, Properties properties) throws IOException, StateFolderNotPrivate {
        StringWriter text = new StringWriter();
        properties.store(text, what);
        Path dir = folder(stateDir);
        Path temporary = dir.resolve(fileName(name) + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        try (SeekableByteChannel channel = Files.newByteChannel(temporary,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        Files.move(temporary, dir.resolve(fileName(name)), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    Optional<Properties> read(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        Path file = folder(stateDir).resolve(fileName(name));
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        return Optional.of(properties);
    }

    void delete(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        Files.deleteIfExists(folder(stateDir).resolve(fileName(name)));
    }

    private Path folder(Path stateDir) throws StateFolderNotPrivate {
        StateFolderNotPrivate.ensure(stateDir, "The managed-backend state folder");
        return StateFolderNotPrivate.ensure(stateDir.resolve(folder), "The managed-backend state folder's " + folder);
    }

    /** The backend's name as a file name: letters, digits, {@code -} and {@code _} kept, the rest as {@code %XX}. */
    private static String fileName(String name) {
        StringBuilder file = new StringBuilder("backend-");
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                file.append(c);
            } else {
                file.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return file.append(".properties").toString();
    }
}
