package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessIdentity;

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

    private static final Logger LOG = Logs.logger();
    private static final Map<Path, CrashGuard> BY_STATE_DIR = new ConcurrentHashMap<>();
    private static final WatchdogLink WATCHDOG = new WatchdogLink(
            OwnerTag.VARIABLE + "=" + OwnerTag.jvmPrefix(), Ledger.ownPrefix());
    /** How long a first start waits for the watchdog to run before it launches anything. */
    private static final long WATCHDOG_WAIT_MILLIS = 2_000;
    private static final AtomicLong PENDING = new AtomicLong();

    private final Ledger ledger;
    private final Path logDir;
    private final Map<String, ContainerRegistration> containers = new ConcurrentHashMap<>();
    private volatile Path watchdogLog;
    private volatile boolean watchdogLogMade;

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
    public static CrashGuard get(Path stateDir, Path logDir) {
        return BY_STATE_DIR.computeIfAbsent(stateDir.toAbsolutePath().normalize(), dir -> open(dir, logDir));
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
            LOG.warn("managed-backend: no crash ledger in " + stateDir + " (" + e + "); backends "
                    + "of a test JVM that is killed are stopped by the watchdog only");
            return new CrashGuard(null, logDir);
        }
        try {
            LedgerSweep.sweep(ledger, true); // containers in the background: a start never waits on an engine
        } catch (IOException | RuntimeException e) {
            LOG.warn("managed-backend: could not sweep the crash ledger " + ledger.dir() + ": " + e);
        }
        return new CrashGuard(ledger, logDir);
    }

    /**
     * A backend's registration: made before it is launched ({@link #reserve}), completed once it
     * runs ({@link #launched}), forgotten by {@link #close()} once it has been stopped.
     */
    public static final class Registration implements AutoCloseable {
        static final Registration NONE = new Registration(null, null, null, null);

        private final Ledger ledger;
        private final LedgerEntry reserved;
        private final List<String> registered = new ArrayList<>();
        private final Path watchdogLog;
        private Path entry;
        private LedgerEntry written;
        private boolean closed;

        private Registration(Ledger ledger, LedgerEntry reserved, Path entry, Path watchdogLog) {
            this.ledger = ledger;
            this.reserved = reserved;
            this.entry = entry;
            this.watchdogLog = watchdogLog;
        }

        private synchronized void watch(String command) {
            WATCHDOG.register(command, watchdogLog);
            registered.add(command);
        }

        /**
         * Completes the registration with the process that was launched: its pid goes into the
         * ledger entry and, as its process group with {@code ownGroup}, to the watchdog (which
         * finds the processes by tag either way; the group also reaches members that dropped the
         * tag from their environment).
         */
        public synchronized void launched(ProcessHandle root, boolean ownGroup) {
            if (reserved == null || closed) {
                return;
            }
            long pid = root.pid();
            if (ownGroup) {
                watch(WatchdogLink.command("add", Long.toString(pid)));
            }
            if (ledger != null && entry != null) {
                try {
                    written = reserved.launched(pid, ProcessIdentity.startOf(pid).orElse(0), ownGroup ? pid : 0);
                    ledger.rewrite(entry, written);
                } catch (IOException | RuntimeException e) {
                    // the entry as reserved still names the tag, which is what the sweep goes by
                    LOG.warn("managed-backend: could not complete the crash ledger entry " + entry
                            + ": " + e);
                }
            }
        }

        /**
         * Hands a ready backend over to itself, for a start that is meant to outlive this JVM (the
         * command line's {@code start}). Its ledger entry becomes owned by its root process
         * ({@link Ledger#detach}), so no sweep touches it while that runs, and {@link DetachedBackends}
         * finds it from any JVM of this user; then the watchdog forgets it, so this JVM's end no
         * longer stops it. In that order: a JVM killed in between has its watchdog stop the
         * backend, as for any start that did not finish. Afterwards {@link #close()} does nothing.
         *
         * @throws IllegalStateException if there is no ledger entry to hand over (crash guard
         *                               off, or the ledger could not be written)
         */
        public synchronized void detach(String url, String healthPath, Path logFile) {
            if (closed || ledger == null || entry == null || written == null) {
                throw new IllegalStateException("a detached backend needs its crash-ledger entry, and it has none"
                        + (enabled() ? " (the ledger could not be written; see the warning above)"
                                : " (" + ENABLED_PROPERTY + "=false)"));
            }
            try {
                entry = ledger.detach(entry, written.detach(new LedgerEntry.Detached(url, healthPath,
                        logFile.toString(), System.currentTimeMillis())));
            } catch (IOException e) {
                throw new IllegalStateException("could not hand the crash-ledger entry " + entry + " over to the "
                        + "backend: " + e, e);
            }
            closed = true;
            for (String command : registered) {
                WATCHDOG.forget(command, "del " + command.substring("add ".length()));
            }
            registered.clear();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (String command : registered) {
                WATCHDOG.forget(command, "del " + command.substring("add ".length()));
            }
            if (entry != null) {
                Ledger.remove(entry);
            }
        }
    }

    /**
     * Registers a process-mode backend before it is launched, so that a JVM killed at any
     * instant of the start, right after the spawn included, leaves nothing: the ledger entry names
     * its tag, and the watchdog is running and knows a backend is starting. The first start of a
     * JVM waits here for the watchdog's spawn (a few milliseconds).
     *
     * @param tag     its {@link OwnerTag#of(String)}, in the environment of everything it starts
     * @param command for the ledger entry, so a person reading it knows what it was
     */
    public Registration reserve(String name, String tag, List<String> command) {
        if (!enabled()) {
            return Registration.NONE;
        }
        LedgerEntry reserved = new LedgerEntry(JvmIdentity.self(), name, tag, 0, 0, 0, String.join(" ", command), "", "");
        Registration registration = new Registration(ledger, reserved, record(reserved), watchdogLog());
        // a word the watchdog keeps but that matches no process group: it only has to know that
        // something of this JVM may run, so that it looks for tagged processes when the JVM dies
        registration.watch(WatchdogLink.command("add", "starting-" + PENDING.incrementAndGet()));
        awaitWatchdog();
        return registration;
    }

    private static void awaitWatchdog() {
        try {
            WATCHDOG.awaitRunning(WATCHDOG_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
            Path entry = record(new LedgerEntry(JvmIdentity.self(), "container", "", 0, 0, 0, "", id, host));
            String line = WatchdogLink.hex(id) + " " + WatchdogLink.hex(host.isEmpty() ? "-" : host);
            WATCHDOG.register("container " + line, watchdogLog());
            return new ContainerRegistration("container " + line, "uncontainer " + line, entry);
        });
    }

    /** Forgets a container once it has been removed. */
    public void forgetContainer(String containerId) {
        ContainerRegistration registration = containerId == null ? null : containers.remove(containerId);
        if (registration != null) {
            WATCHDOG.forget(registration.registered(), registration.forget());
            if (registration.entry() != null) {
                Ledger.remove(registration.entry());
            }
        }
    }

    private record ContainerRegistration(String registered, String forget, Path entry) {
    }

    private Path record(LedgerEntry entry) {
        if (ledger == null) {
            return null;
        }
        WATCHDOG.register(WatchdogLink.command("ledger", ledger.dir().toString()), watchdogLog());
        try {
            return ledger.write(entry);
        } catch (IOException | RuntimeException e) {
            LOG.warn("managed-backend: could not write the crash ledger entry for "
                    + entry.describe() + " in " + ledger.dir() + ": " + e);
            return null;
        }
    }

    /**
     * Registers an image this JVM built, so that the watchdog removes it should the JVM be killed
     * (after the containers): its exit hook does it otherwise, then {@link #forgetImage}.
     *
     * @param dockerHost the engine in {@code DOCKER_HOST} form, or empty for the default one
     */
    public static void watchImage(String image, String dockerHost) {
        if (enabled()) {
            WATCHDOG.register(imageCommand("image", image, dockerHost), null);
        }
    }

    /** Forgets an image once it has been removed. */
    public static void forgetImage(String image, String dockerHost) {
        WATCHDOG.forget(imageCommand("image", image, dockerHost), imageCommand("unimage", image, dockerHost));
    }

    private static String imageCommand(String word, String image, String dockerHost) {
        return WatchdogLink.command(word, image, dockerHost == null || dockerHost.isBlank() ? "-" : dockerHost);
    }

    /**
     * {@code <logDir>/watchdog/watchdog-<jvm identity>.log}: a name no other JVM uses, in a folder
     * made private (700, this user's), where the watchdog creates it new and never follows a link.
     * Where that folder cannot be made, the watchdog reports nowhere.
     */
    private Path watchdogLog() {
        if (!watchdogLogMade) { // once per guard: a start pays for no more than a field read
            watchdogLog = makeWatchdogLog();
            watchdogLogMade = true;
        }
        return watchdogLog;
    }

    private Path makeWatchdogLog() {
        Path dir = logDir.resolve("watchdog");
        try {
            PrivateFolder.ensure(dir, "The watchdog's log folder");
        } catch (PrivateFolder.NotPrivate e) {
            LOG.warn("managed-backend: " + e.getMessage() + "; the watchdog will not write a log");
            return null;
        }
        return dir.resolve("watchdog-" + JvmIdentity.self() + ".log");
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

    /**
     * Sweeps the ledger of {@code stateDir} now, as a new JVM's first backend would (for tests, and
     * the command line's {@code reap}).
     */
    public static LedgerSweep.Result sweepNow(Path stateDir) throws IOException, PrivateFolder.NotPrivate {
        return LedgerSweep.sweep(Ledger.open(stateDir));
    }

    /** What {@link #sweepNow} would do now, one line per entry, without doing it ({@code reap --dry-run}). */
    public static List<String> sweepPreview(Path stateDir) throws IOException, PrivateFolder.NotPrivate {
        return LedgerSweep.preview(Ledger.open(stateDir));
    }
}
