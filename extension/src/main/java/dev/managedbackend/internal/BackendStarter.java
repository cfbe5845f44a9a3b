package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Starts the backends of one level, choosing the launcher by mode. All or nothing: if one start
 * fails, those already started at this level are stopped before the failure is thrown.
 */
public final class BackendStarter {

    private final ProcessLauncher processes;

    public BackendStarter(Settings settings) {
        this.processes = new ProcessLauncher(settings);
    }

    public RunningBackend start(BackendSpec spec, String owner) {
        if (spec.mode().isContainer()) {
            throw new ExtensionConfigurationException("backend '" + spec.name() + "': container mode ("
                    + spec.mode().attribute() + ") is not available in this version; use app or command.");
        }
        return processes.start(spec, owner);
    }

    /** Starts each spec in order; on failure stops the ones started and rethrows. */
    public List<RunningBackend> startAll(List<BackendSpec> specs, String owner) {
        List<RunningBackend> started = new ArrayList<>();
        try {
            for (BackendSpec spec : specs) {
                started.add(start(spec, owner));
            }
            return started;
        } catch (RuntimeException | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
}
