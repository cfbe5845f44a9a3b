package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import dev.managedbackend.terminal.StateFolderNotPrivate;

/**
 * How each backend that {@code start} started was started: the folder it ran in and its
 * arguments, kept in {@code <stateDir>/starts} so that {@code restart} can start it again the
 * same way. Replaced by the next start of the same name.
 */
final class StartRecords {

    private static final NamedRecords RECORDS = new NamedRecords("starts",
            "managed-backend start: how to start it again (restart)");

    /** A start: the folder it ran in and its arguments after {@code start}. */
    record Start(Path folder, List<String> args) {
    }

    private StartRecords() {
    }

    static void keep(Path stateDir, String name, Start start) throws IOException, StateFolderNotPrivate {
        Properties properties = new Properties();
        properties.setProperty("folder", start.folder().toString());
        properties.setProperty("args.count", Integer.toString(start.args().size()));
        for (int i = 0; i < start.args().size(); i++) {
            properties.setProperty("args." + i, start.args().get(i));
        }
        RECORDS.write(stateDir, name, properties);
    }

    static Optional<Start> find(Path stateDir, String name) throws IOException, StateFolderNotPrivate {
        Optional<Properties> found = RECORDS.read(stateDir, name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<String> args = new ArrayList<>();
            int count = Integer.parseInt(found.get().getProperty("args.count"));
            for (int i = 0; i < count; i++) {
                args.add(found.get().getProperty("args." + i));
            }
            return Optional.of(new Start(Path.of(found.get().getProperty("folder")), List.copyOf(args)));
        } catch (RuntimeException e) {
            return Optional.empty(); // cut short, or not one of ours: there is no start to repeat
        }
    }
}
