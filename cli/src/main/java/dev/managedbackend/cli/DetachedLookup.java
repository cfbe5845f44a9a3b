package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.managedbackend.terminal.DetachedBackend;
import dev.managedbackend.terminal.StateFolderNotPrivate;

/** The backends that {@code start} started, as the commands that act on one by name look them up. */
final class DetachedLookup {

    private DetachedLookup() {
    }

    /** Every one of {@code stateDir}, oldest first; a state folder that is not private fails the command. */
    static List<DetachedBackend> all(Path stateDir) throws IOException {
        try {
            return DetachedBackend.list(stateDir);
        } catch (StateFolderNotPrivate e) {
            throw new ManagedBackendCli.Failure(e.getMessage() + ".", e);
        }
    }

    /**
     * The newest of {@code known} named {@code wanted}; else a failure that names the known ones
     * and ends with {@code advice}, e.g. "managed-backend status lists them".
     */
    static DetachedBackend named(List<DetachedBackend> known, String wanted, String advice) {
        return known.stream().filter(found -> found.name().equals(wanted)).reduce((older, newer) -> newer)
                .orElseThrow(() -> new ManagedBackendCli.Failure("no backend '" + wanted + "' is known"
                        + (known.isEmpty() ? " (none that start started runs)" : " (known: " + String.join(", ",
                                known.stream().map(DetachedBackend::name).distinct().toList()) + ")") + "; " + advice));
    }
}
