package dev.managedbackend.internal;

/**
 * Makes the launcher of an optional mode (container mode, in {@code internal.container}). The
 * core owns this interface and finds its one implementation through {@link java.util.ServiceLoader}
 * ({@code META-INF/services}), so it names no class of the optional part, and a run that never
 * asks for that mode never loads it.
 */
public interface LauncherFactory {

    /** The launcher, for these settings. */
    BackendLauncher launcher(Settings settings);
}
