package dev.managedbackend.internal;

/**
 * Starts one kind of backend and returns it once ready, or throws with a message that says what
 * went wrong; either way nothing of a failed start is left running.
 */
public interface BackendLauncher {

    /** Starts the backend; {@code owner} (the test class) names its log file. */
    LaunchedBackend start(BackendSpec spec, String owner);
}
