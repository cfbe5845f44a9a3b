package dev.managedbackend.internal;

import java.lang.reflect.InvocationTargetException;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;

/**
 * The way into container mode, which lives in {@code internal.container} and is the only code
 * that uses Testcontainers. Testcontainers is an optional dependency: this class names the
 * launcher only as a string, so a test run in process mode never loads it (nor any class of
 * Testcontainers), and a run that asks for a container without Testcontainers on the classpath
 * gets a message that says which dependency to add instead of a {@link NoClassDefFoundError}.
 */
final class ContainerMode {

    private static final String LAUNCHER = "dev.managedbackend.internal.container.ContainerLauncher";
    /** A class every Testcontainers version that container mode supports has. */
    private static final String TESTCONTAINERS = "org.testcontainers.containers.GenericContainer";

    private ContainerMode() {
    }

    static BackendLauncher launcher(BackendSpec spec, Settings settings) {
        ClassLoader loader = ContainerMode.class.getClassLoader();
        try {
            Class.forName(TESTCONTAINERS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new BackendConfigurationException("backend '" + spec.name() + "' (" + spec.describe()
                    + "): container mode (" + spec.mode().attribute() + ") runs through Testcontainers, "
                    + "which is not on the test classpath. Add the test dependency "
                    + "org.testcontainers:testcontainers (2.0.x), e.g. in Maven: <dependency><groupId>"
                    + "org.testcontainers</groupId><artifactId>testcontainers</artifactId><version>2.0.5"
                    + "</version><scope>test</scope></dependency>.");
        }
        try {
            return (BackendLauncher) Class.forName(LAUNCHER, true, loader)
                    .getConstructor(Settings.class).newInstance(settings);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new BackendStartException("Could not set up container mode: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new BackendStartException("Could not set up container mode (" + LAUNCHER + "): " + e
                    + ". Is the Testcontainers version on the classpath a 2.0.x?", e);
        }
    }
}
