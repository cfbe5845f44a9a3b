package dev.managedbackend.internal;

import java.util.Optional;
import java.util.function.Function;

import dev.managedbackend.BackendConfigurationException;

/**
 * Configured defaults, read through JUnit's configuration parameters (so from
 * {@code junit-platform.properties}, launcher parameters or system properties).
 */
public final class Config {

    private final Function<String, Optional<String>> source;

    public Config(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** No configured defaults: for code that runs outside JUnit. */
    public static Config empty() {
        return new Config(key -> Optional.empty());
    }

    public Optional<String> string(String key) {
        return source.apply(key).map(String::trim).filter(value -> !value.isEmpty());
    }

    public String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** An integer setting that must be at least {@code min}. */
    public int integer(String key, int fallback, int min) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the same message as a value out of range
        }
        throw new BackendConfigurationException(String.format(
                "Configuration parameter %s = \"%s\" is not a whole number >= %d. Fix it in "
                        + "junit-platform.properties or the -D%s system property, or remove it "
                        + "to use the default %d.",
                key, raw.get(), min, key, fallback));
    }

    /** A {@code true}/{@code false} setting. */
    public boolean bool(String key, boolean fallback) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return fallback;
        }
        if (raw.get().equalsIgnoreCase("true") || raw.get().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw.get());
        }
        throw new BackendConfigurationException(String.format(
                "Configuration parameter %s = \"%s\" is neither true nor false. Fix it in "
                        + "junit-platform.properties or the -D%s system property, or remove it "
                        + "to use the default %s.",
                key, raw.get(), key, fallback));
    }
}
