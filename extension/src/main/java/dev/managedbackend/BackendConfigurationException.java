package dev.managedbackend;

/**
 * A backend is declared or configured wrongly: the message names the declaration, the
 * attribute or configuration key, the rule, the value and the fix. Thrown before anything
 * starts. In JUnit tests it reaches the report as JUnit's {@code ExtensionConfigurationException},
 * with this exception as its cause.
 */
public class BackendConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendConfigurationException(String message) {
        super(message);
    }

    public BackendConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
