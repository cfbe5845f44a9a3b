package dev.managedbackend.internal.container;

import dev.managedbackend.internal.BackendLauncher;
import dev.managedbackend.internal.LauncherFactory;
import dev.managedbackend.internal.Settings;

/**
 * Container mode's entry for the core, found through {@link java.util.ServiceLoader}. It names
 * no Testcontainers type itself, so loading it never fails; the core hands it out only once it
 * has seen Testcontainers on the classpath.
 */
public final class ContainerModeFactory implements LauncherFactory {

    @Override
    public BackendLauncher launcher(Settings settings) {
        return new ContainerLauncher(settings);
    }
}
