package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A backend is declared or configured wrongly: the message names the declaration, the
 * attribute or configuration key, the rule, the value and the fix. Thrown before anything
 * starts. In JUnit tests it reaches the report as JUnit's {@code ExtensionConfigurationException},
 * with this exception as its cause.
 */
@API(status = STABLE, since = "0.1")
public class BackendConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * A wrong declaration or configuration value.
     *
     * @param message the declaration, the rule, the value and the fix
     */
    public BackendConfigurationException(String message) {
        super(message);
    }

    /**
     * A wrong value that another exception revealed (one that does not parse, for instance).
     *
     * @param message the declaration, the rule, the value and the fix
     * @param cause   what revealed it
     */
    public BackendConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
