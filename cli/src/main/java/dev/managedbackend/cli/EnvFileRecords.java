package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import dev.managedbackend.terminal.StateFolderNotPrivate;

/**
 * The {@code --env-file} edit of each backend that {@code start} started, kept beside its ledger
 * entry (in {@code <stateDir>/env-files}, private like the rest of the state folder) until
 * {@code stop} gives the key back the value it had. One small file per backend name: a detached
 * backend's name is unique while it runs.
 */
final class EnvFileRecords {

    private static final NamedRecords RECORDS = new NamedRecords("env-files",
            "managed-backend start --env-file: what stop gives back");

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
        RECORDS.write(stateDir, name, properties);
    }

    /** The edit kept for {@code name}, if any. */
    static Optional<EnvFile.Edit> find(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        Optional<Properties> found = RECORDS.read(stateDir, name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Properties properties = found.get();
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
        RECORDS.delete(stateDir, name);
    }
}
