package dev.managedbackend.internal.reuse;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.Logs;

/**
 * Whether reuse is on: {@code managedbackend.reuse} is {@code false} (the default), {@code true}
 * (on, but off where the {@code CI} environment variable is set: a CI build must prove a cold
 * start) or {@code always}.
 */
public final class ReuseSwitch {

    private static final Logger LOG = Logs.logger();
    /** The "off on CI" line is said once per JVM, not per class. */
    private static final AtomicBoolean SAID = new AtomicBoolean();

    private ReuseSwitch() {
    }

    /** The configured value resolved against {@code environment}; says once when CI turns it off. */
    public static boolean resolve(String configured, Map<String, String> environment) {
        String value = configured.strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "false":
                return false;
            case "always":
                return true;
            case "true":
                String ci = environment.get("CI");
                if (ci == null || ci.isEmpty()) {
                    return true;
                }
                if (SAID.compareAndSet(false, true)) {
                    LOG.info("managed-backend: {}=true, but the environment variable CI is set (CI={}): backends are "
                            + "not reused on CI; set {}=always to reuse them here too",
                            ManagedBackend.REUSE_PROPERTY_NAME, ci, ManagedBackend.REUSE_PROPERTY_NAME);
                }
                return false;
            default:
                throw new BackendConfigurationException(String.format("Configuration parameter %s = \"%s\" is not "
                        + "one of false, true, always. Use true to reuse backends between local runs (off where CI "
                        + "is set), always to reuse them on CI too, or false.", ManagedBackend.REUSE_PROPERTY_NAME,
                        configured));
        }
    }
}
