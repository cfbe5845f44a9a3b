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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import dev.managedbackend.terminal.StateFolderNotPrivate;

/**
 * The {@code --env-file} edit of each backend that {@code start} started, kept beside its ledger
 * entry (in {@code <stateDir>/env-files}, private like the rest of the state folder) until
 * {@code stop} gives the key back the value it had. One small file per backend name: a detached
 * backend's name is unique while it runs.
 */
final class EnvFileRecords {

    private EnvFileRecords() {
    }

    /** Keeps {@code edit} for the backend {@code name}; an earlier edit of the same file and key is kept instead. */
    static void keep(Path stateDir, String name, EnvFile.Edit edit) throws IOException, StateFolderNotPrivate {
        Optional<EnvFile.Edit> earlier = find(stateDir, name);
        if (earlier.isPresent() && earlier.get().file().equals(edit.file()) && earlier.get().key().equals(edit.key())
                && edit.previous().stream().allMatch(line -> line.strip().endsWith("=" + earlier.get().value()))) {
            // a backend of this name died without stop: its start's value is the one to give back
            edit = new EnvFile.Edit(edit.project(), edit.file(), edit.key(), edit.value(), earlier.get().previous());
        }
        Properties properties = new Properties();
        properties.setProperty("project", edit.project().toString());
        properties.setProperty("file", edit.file().toString());
        properties.setProperty("key", edit.key());
        properties.setProperty("value", edit.value());
        properties.setProperty("previous.count", Integer.toString(edit.previous().size()));
        for (int i = 0; i < edit.previous().size(); i++) {
            properties.setProperty("previous." + i, edit.previous().get(i));
        }
        StringWriter text = new StringWriter();
        properties.store(text, "managed-backend start --env-file: what stop gives back");
        Path folder = folder(stateDir);
        Path temporary = folder.resolve(fileName(name) + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        try (SeekableByteChannel channel = Files.newByteChannel(temporary,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        Files.move(temporary, folder.resolve(fileName(name)), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** The edit kept for {@code name}, if any. */
    static Optional<EnvFile.Edit> find(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        Path file = folder(stateDir).resolve(fileName(name));
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        try {
            List<String> previous = new ArrayList<>();
            int count = Integer.parseInt(properties.getProperty("previous.count", "0"));
            for (int i = 0; i < count; i++) {
                previous.add(properties.getProperty("previous." + i, ""));
            }
            return Optional.of(new EnvFile.Edit(Path.of(properties.getProperty("project")),
                    Path.of(properties.getProperty("file")), properties.getProperty("key"),
                    properties.getProperty("value"), previous));
        } catch (RuntimeException e) {
            return Optional.empty(); // not one of ours, or cut short: nothing to give back
        }
    }

    /** Forgets the edit kept for {@code name}. */
    static void forget(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        Files.deleteIfExists(folder(stateDir).resolve(fileName(name)));
    }

    private static Path folder(Path stateDir) throws StateFolderNotPrivate {
        StateFolderNotPrivate.ensure(stateDir, "The managed-backend state folder");
        return StateFolderNotPrivate.ensure(stateDir.resolve("env-files"), "The managed-backend state folder's env-files");
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
