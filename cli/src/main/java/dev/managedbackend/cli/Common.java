package dev.managedbackend.cli;

import java.nio.file.Path;

import dev.managedbackend.ManagedBackend;
import dev.managedbackend.terminal.TerminalSettings;
import picocli.CommandLine.Option;

/**
 * Options every command has. The state folder is the one test JVMs use ({@code
 * managedbackend.stateDir}, by default {@code $XDG_RUNTIME_DIR/managed-backend} or
 * {@code ~/.cache/managed-backend}), so that ports are leased against them and {@code stop},
 * {@code status} and {@code reap} see the same backends from any terminal of this user.
 */
final class Common {

    @Option(names = "--state-dir", paramLabel = "DIR", description = "this user's state folder: port leases and the "
            + "ledger of running backends (default: the managedbackend.stateDir system property, else "
            + "$XDG_RUNTIME_DIR/managed-backend, else ~/.cache/managed-backend)")
    Path stateDir;

    /** The log folder, when the command line chose it (not a managedbackend.logDir of the user's). */
    private Path ownLogs;

    @Option(names = {"-v", "--verbose"}, description = "also print what the libraries underneath log")
    boolean verbose;

    /**
     * The settings, read from {@code managedbackend.*} system properties the way
     * {@code BackendBuilder.start()} reads them, with {@code --state-dir} applied. Backend logs go
     * to {@code <state folder>/logs} (private to this user) unless {@code managedbackend.logDir}
     * says otherwise.
     */
    TerminalSettings settings() {
        TerminalLogging.install(verbose);
        if (stateDir != null) {
            System.setProperty(ManagedBackend.STATE_DIR_PROPERTY_NAME, stateDir.toAbsolutePath().normalize().toString());
        }
        TerminalSettings settings = TerminalSettings.fromSystemProperties();
        if (System.getProperty(ManagedBackend.LOG_DIR_PROPERTY_NAME) == null) {
            System.setProperty(ManagedBackend.LOG_DIR_PROPERTY_NAME, settings.stateDir().resolve("logs").toString());
            settings = TerminalSettings.fromSystemProperties();
            ownLogs = settings.logDir();
        }
        return settings;
    }

    /** Applies {@link LogRetention} to the command line's own log folder. */
    void pruneLogs() {
        if (ownLogs != null) {
            LogRetention.prune(ownLogs);
        }
    }

    /** How to repeat the state folder option in a command printed for the user to run. */
    String stateDirOption() {
        return stateDir == null ? "" : " --state-dir " + Messages.shellWord(stateDir.toString());
    }
}
