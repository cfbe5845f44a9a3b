package dev.managedbackend.terminal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Settings;

/**
 * The run-wide settings a command needs, read from {@code managedbackend.*} system properties the
 * way {@code BackendBuilder.start()} reads them: the state folder, the log folder, the stop's grace.
 */
public final class TerminalSettings {

    private final Settings settings;

    private TerminalSettings(Settings settings) {
        this.settings = settings;
    }

    /** The settings as the system properties give them now. */
    public static TerminalSettings fromSystemProperties() {
        return new TerminalSettings(Settings.from(new Config(key -> Optional.ofNullable(System.getProperty(key)))));
    }

    /** This user's state folder: port leases and the ledger of running backends. */
    public Path stateDir() {
        return settings.stateDir();
    }

    /** Where backend logs go. */
    public Path logDir() {
        return settings.logDir();
    }

    /** How long a stop waits after SIGTERM before SIGKILL. */
    public Duration stopTimeout() {
        return settings.stopTimeout();
    }
}
