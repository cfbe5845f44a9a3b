package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.ProcessLauncher;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * Crash safety: whatever happens to the test JVM, no backend it started outlives it. Three
 * layers, cheapest first:
 * <ol>
 * <li>the JVM shutdown hook ({@code LiveBackends}) stops everything on a normal exit,
 *     {@code System.exit}, SIGINT, SIGTERM;</li>
 * <li>one {@link Watchdog} per JVM, tied to it by a pipe, stops what is left when the JVM dies
 *     in a way that runs no hook (SIGKILL, the OOM killer, a crash): processes within a second
 *     or two, containers within seconds;</li>
 * <li>the {@link Ledger}: each backend is a small file in the state folder; the first backend a
 *     JVM starts sweeps the entries of dead JVMs ({@link LedgerSweep}), for a crash that also
 *     took the watchdog.</li>
 * </ol>
 * On the normal path this costs one file write per backend start and one delete per stop, a
 * line to the watchdog each, and once per JVM a listing of the ledger folder and the watchdog's
 * start: no OSHI, no scan of the process table.
 *
 * <p>Container mode registers its containers with {@link #watchContainer(String, String)} once
 * they exist and {@link #forgetContainer(String)} once they are removed.
 *
 * <p>Off with {@code -Dmanagedbackend.crashGuard=false} (a JVM-wide system property): then no
 * watchdog, no ledger, no own process group; the shutdown hook still runs.
 */
public final class CrashGuard {

    /** JVM-wide switch, {@code true} unless set to {@code false}. */
    public static final String ENABLED_PROPERTY = "managedbackend.crashGuard";

    private static final System.Logger LOG = System.getLogger("dev.managedbackend");
    private static final Map<Path, CrashGuard> BY_STATE_DIR = new ConcurrentHashMap<>();
    /** {@code <jvm pid>:<jvm start>:}, unique to this JVM even when its pid is reused later. */
    private static final String JVM_TAG = ProcessIdentity.selfPid() + ":" + ProcessIdentity.selfStart() + ":";
    private static final WatchdogLink WATCHDOG = new WatchdogLink(
            ProcessLauncher.OWNER_VARIABLE + "=" + JVM_TAG, Ledger.ownPrefix());

    private final Ledger ledger;
    private final Path logDir;
    private final Map<String, Registration> containers = new ConcurrentHashMap<>();

    private CrashGuard(Ledger ledger, Path logDir) {
        this.ledger = ledger;
        this.logDir = logDir;
    }

    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim());
    }

    /**
     * The guard for this state folder. The first call per folder sweeps what dead JVMs left in
     * its ledger before anything new starts (so a port they held is free again).
     */
    public static CrashGuard get(Settings settings) {
        return BY_STATE_DIR.computeIfAbsent(settings.stateDir().toAbsolutePath().normalize(),
                dir -> open(dir, settings.logDir()));
    }

    private static CrashGuard open(Path stateDir, Path logDir) {
        if (!enabled()) {
            return new CrashGuard(null, logDir);
        }
        Ledger ledger;
        try {
            ledger = Ledger.open(stateDir);
        } catch (PrivateFolder.NotPrivate e) {
            throw new BackendStartException(e.getMessage() + ".", e); // never used, never swept
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "managed-backend: no crash ledger in " + stateDir + " (" + e + "); backends "
                    + "of a test JVM that is killed are stopped by the watchdog only");
            return new CrashGuard(null, logDir);
        }
        try {
            LedgerSweep.sweep(ledger);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "managed-backend: could not sweep the crash ledger " + ledger.dir() + ": " + e);
        }
        return new CrashGuard(ledger, logDir);
    }

    /**
     * The value of {@code MANAGED_BACKEND_OWNER} for a backend of this JVM:
     * {@code <jvm pid>:<jvm start>:<backend name>}. Every process the backend starts inherits it,
     * which is how the watchdog and the sweep recognise them, and nothing else.
     */
    public static String tag(String backendName) {
        return JVM_TAG + backendName;
    }

    /** A backend's registration; {@link #close()} forgets it once it has been stopped. */
    public static final class Registration implements AutoCloseable {
        static final Registration NONE = new Registration(null, null, null);

        private final String registered;
        private final String forget;
        private final Path entry;
        private boolean closed;

        private Registration(String registered, String forget, Path entry) {
            this.registered = registered;
            this.forget = forget;
            this.entry = entry;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (registered != null) {
                WATCHDOG.forget(registered, forget);
            }
            if (entry != null) {
                Ledger.remove(entry);
            }
        }
    }

    /**
     * Registers a process-mode backend that was just launched.
     *
     * @param root     the process we launched (with {@code ownGroup}, also its process group's id)
     * @param tag      its {@link #tag(String)}
     * @param ownGroup whether it leads a process group of its own (launched through setsid)
     * @param command  for the ledger entry, so a person reading it knows what it was
     */
    public Registration watchProcess(String name, ProcessHandle root, String tag, boolean ownGroup,
            List<String> command) {
        if (!enabled()) {
            return Registration.NONE;
        }
        long pid = root.pid();
        Path entry = record(new LedgerEntry(ProcessIdentity.boot(), ProcessIdentity.selfPid(),
                ProcessIdentity.selfStart(), name, tag, pid, ProcessIdentity.startOf(pid).orElse(0),
                ownGroup ? pid : 0, String.join(" ", command), "", ""));
        // The watchdog finds the processes by the tag; the group id lets it also reach members
        // that dropped the tag from their environment.
        WATCHDOG.register("add " + pid, watchdogLog());
        return new Registration("add " + pid, "del " + pid, entry);
    }

    /** Registers a container of container mode, on the engine Testcontainers uses by default. */
    public void watchContainer(String containerId) {
        watchContainer(containerId, "");
    }

    /**
     * Registers a container that was just created, so it is removed even if this JVM is killed.
     *
     * @param dockerHost the engine it runs on in {@code DOCKER_HOST} form ({@code unix:///...},
     *                   {@code tcp://host:2376}), or empty for the default engine
     */
    public void watchContainer(String containerId, String dockerHost) {
        if (!enabled() || containerId == null || containerId.isBlank()) {
            return;
        }
        String host = dockerHost == null || dockerHost.isBlank() || dockerHost.matches(".*\\s.*") ? "" : dockerHost;
        containers.computeIfAbsent(containerId, id -> {
            Path entry = record(new LedgerEntry(ProcessIdentity.boot(), ProcessIdentity.selfPid(),
                    ProcessIdentity.selfStart(), "container", "", 0, 0, 0, "", id, host));
            String line = id + " " + (host.isEmpty() ? "-" : host);
            WATCHDOG.register("container " + line, watchdogLog());
            return new Registration("container " + line, "uncontainer " + line, entry);
        });
    }

    /** Forgets a container once it has been removed. */
    public void forgetContainer(String containerId) {
        Registration registration = containerId == null ? null : containers.remove(containerId);
        if (registration != null) {
            registration.close();
        }
    }

    private Path record(LedgerEntry entry) {
        if (ledger == null) {
            return null;
        }
        WATCHDOG.register("ledger " + ledger.dir(), watchdogLog());
        try {
            return ledger.write(entry);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "managed-backend: could not write the crash ledger entry for "
                    + entry.describe() + " in " + ledger.dir() + ": " + e);
            return null;
        }
    }

    private Path watchdogLog() {
        return logDir.resolve("watchdog-" + ProcessIdentity.selfPid() + ".log");
    }

    /** For tests and diagnostics: the watchdog's pid, if one runs (waits briefly for one that is starting). */
    public static OptionalLong watchdogPid() {
        try {
            return WATCHDOG.pid();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** For tests: sweeps the ledger of {@code stateDir} now, as a new JVM's first backend would. */
    public static LedgerSweep.Result sweepNow(Path stateDir) throws IOException, PrivateFolder.NotPrivate {
        return LedgerSweep.sweep(Ledger.open(stateDir));
    }
}
