package dev.managedbackend.internal;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;

/**
 * The way into container mode, which lives in {@code internal.container} and is the only code
 * that uses Testcontainers. Testcontainers is an optional dependency: this class finds the
 * launcher through {@link ServiceLoader} ({@link LauncherFactory}, {@code META-INF/services}) and
 * only when a backend asks for a container, so a test run in process mode never loads it (nor any
 * class of Testcontainers), and a run that asks for a container without Testcontainers on the classpath
 * gets a message that says which dependency to add instead of a {@link NoClassDefFoundError}.
 */
final class ContainerMode {

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
        LauncherFactory factory;
        try {
            factory = ServiceLoader.load(LauncherFactory.class, loader).findFirst()
                    .orElseThrow(() -> new BackendStartException("Could not set up container mode: no "
                            + LauncherFactory.class.getName() + " in META-INF/services on the classpath"));
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new BackendStartException("Could not set up container mode: " + e
                    + ". Is the Testcontainers version on the classpath a 2.0.x?", e);
        }
        try {
            return factory.launcher(settings);
        } catch (LinkageError e) {
            throw new BackendStartException("Could not set up container mode (" + factory.getClass().getName()
                    + "): " + e + ". Is the Testcontainers version on the classpath a 2.0.x?", e);
        }
    }
}
