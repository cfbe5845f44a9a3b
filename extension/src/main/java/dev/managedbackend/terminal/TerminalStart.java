package dev.managedbackend.terminal;

import java.lang.invoke.MethodHandles;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.internal.Caller;
import dev.managedbackend.internal.HealthClient;

/**
 * {@code BackendBuilder.start()} for the command line: the same start, but its messages name what
 * was wrong in the command line's words ({@code --dir app}, relative to the current directory),
 * not in Java's ({@code dir = "app"}, relative to the test JVM's working directory).
 */
public final class TerminalStart {

    private TerminalStart() {
    }

    /** Starts what {@code builder} describes and waits until it is ready, as {@link BackendBuilder#start()}. */
    public static Backend start(BackendBuilder builder) {
        warmHealthClient();
        return Caller.terminal(builder::start);
    }

    /**
     * Builds the HTTP client of the readiness check on another thread while the backend boots.
     * Measured: the readiness check first waits for the port to listen, and only then builds the
     * client (the JDK's java.net.http with its TLS set-up), which took 0.3-0.5 s of the start's
     * critical path after the app was already up. A JVM of the command line starts one backend,
     * so nothing else would be competing; if the check gets there first, it waits for this
     * initialisation (class initialisation runs once).
     */
    private static void warmHealthClient() {
        Thread warm = new Thread(() -> {
            try {
                MethodHandles.lookup().ensureInitialized(HealthClient.class);
            } catch (IllegalAccessException e) {
                // HealthClient is public: cannot happen; the readiness check builds it then
            }
        }, "managed-backend: warm the health client");
        warm.setDaemon(true);
        warm.start();
    }
}
