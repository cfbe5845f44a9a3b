package dev.managedbackend.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.managedbackend.BackendConfigurationException;

import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.reuse.ReuseSwitch;

/** Run-wide knobs that are not per-backend attributes; see the keys on {@link ManagedBackend}. */
public record Settings(
        String host,
        Duration stopTimeout,
        Duration pollInterval,
        Path logDir,
        int portRangeFrom,
        int portRangeTo,
        int portAttempts,
        Path stateDir,
        Map<String, String> containerBuildArgs,
        boolean skipWithoutDocker,
        PublishAddress containerBindAddress,
        boolean reuse,
        Duration reuseIdle) {

    private static final Pattern BUILD_ARG = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");

    public Settings {
        containerBuildArgs = Map.copyOf(containerBuildArgs);
    }

    public static Settings from(Config config) {
        String range = config.string(ManagedBackend.PORT_RANGE_PROPERTY_NAME, "20000-32767");
        int[] bounds = parseRange(range);
        return new Settings(
                config.string(ManagedBackend.HOST_PROPERTY_NAME, "127.0.0.1"),
                Duration.ofSeconds(config.integer(ManagedBackend.STOP_TIMEOUT_PROPERTY_NAME, 10, 0)),
                Duration.ofMillis(config.integer(ManagedBackend.POLL_INTERVAL_PROPERTY_NAME, 10, 1)),
                Path.of(config.string(ManagedBackend.LOG_DIR_PROPERTY_NAME, "target/managed-backend"))
                        .toAbsolutePath().normalize(),
                bounds[0], bounds[1],
                config.integer(ManagedBackend.PORT_ATTEMPTS_PROPERTY_NAME, 5, 1),
                config.string(ManagedBackend.STATE_DIR_PROPERTY_NAME).map(Path::of)
                        .orElseGet(StateDirectory::defaultLocation),
                buildArgs(config.string(ManagedBackend.CONTAINER_BUILD_ARGS_PROPERTY_NAME, "")),
                config.bool(ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME, false),
                PublishAddress.parse(config.string(ManagedBackend.CONTAINER_BIND_ADDRESS_PROPERTY_NAME, "auto")),
                ReuseSwitch.resolve(config.string(ManagedBackend.REUSE_PROPERTY_NAME, "false"), System.getenv()),
                Duration.ofSeconds(config.integer(ManagedBackend.REUSE_IDLE_SECONDS_PROPERTY_NAME, 600, 1)));
    }

    /** {@code "KEY=VALUE,KEY=VALUE"}; a value cannot contain a comma. */
    private static Map<String, String> buildArgs(String raw) {
        Map<String, String> args = new LinkedHashMap<>();
        if (raw.isBlank()) {
            return args;
        }
        for (String entry : raw.split(",")) {
            String pair = entry.strip();
            if (!BUILD_ARG.matcher(pair).matches()) {
                throw new BackendConfigurationException(String.format(
                        "Configuration parameter %s = \"%s\": entry \"%s\" is not KEY=VALUE. Write the "
                                + "build arguments as comma-separated pairs, e.g. "
                                + "BASE_IMAGE=python:3.12-slim,APP_VERSION=dev.",
                        ManagedBackend.CONTAINER_BUILD_ARGS_PROPERTY_NAME, raw, pair));
            }
            args.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return args;
    }

    private static int[] parseRange(String range) {
        String[] parts = range.split("-");
        try {
            if (parts.length == 2) {
                int from = Integer.parseInt(parts[0].trim());
                int to = Integer.parseInt(parts[1].trim());
                if (from >= 1024 && from <= to && to <= 65535) {
                    return new int[] {from, to};
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BackendConfigurationException(String.format(
                "Configuration parameter %s = \"%s\" is not a port range FROM-TO with "
                        + "1024 <= FROM <= TO <= 65535, e.g. 20000-32767.",
                ManagedBackend.PORT_RANGE_PROPERTY_NAME, range));
    }
}
