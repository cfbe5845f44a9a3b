package dev.managedbackend.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Scope;
import dev.managedbackend.internal.BackendSpec.Mode;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.crash.IdleKeeper;
import dev.managedbackend.internal.os.ListeningSockets;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;
import dev.managedbackend.internal.reuse.Fingerprint;
import dev.managedbackend.internal.reuse.HeldBackends;
import dev.managedbackend.internal.reuse.ReuseRecord;
import dev.managedbackend.internal.reuse.ReuseStore;

/**
 * Starts a process-mode {@code CLASS} or {@code RUN} backend with {@code managedbackend.reuse} on:
 * under a lock per key (the resolved spec), gets back the backend an earlier run kept if it runs
 * the same files and is healthy, and else starts one that outlives this JVM, with a keeper that
 * stops it once no run has used it for {@code managedbackend.reuseIdleSeconds}.
 */
final class ReusingLauncher {

    private static final Logger LOG = Logs.logger();
    /** How long a reused backend's health check may take before it counts as sick. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final ProcessLauncher processes;

    ReusingLauncher(Settings settings, ProcessLauncher processes) {
        this.settings = settings;
        this.processes = processes;
    }

    /** Reuse on, a process-mode backend, not one per test, and the crash guard on (its ledger entry is what {@code status} and {@code stop} see). */
    static boolean applies(BackendSpec spec, Settings settings) {
        // the command line's start detaches its backend itself; it has no --reuse (yet), so a key set for tests
        // (-Dmanagedbackend.reuse in JAVA_OPTS) must not turn its backend into a kept one
        return settings.reuse() && !spec.mode().isContainer() && spec.scope() != Scope.METHOD && CrashGuard.enabled()
                && Caller.current() == Caller.JAVA;
    }

    LaunchedBackend start(BackendSpec spec, String owner) {
        PythonInterpreter python = spec.mode() == Mode.APP ? PythonInterpreter.resolve(spec, System.getenv()) : null;
        String key = ReuseStore.key(keyParts(spec, python));
        try {
            ReuseStore store = ReuseStore.open(settings.stateDir());
            Fingerprint fingerprint = Fingerprint.of(spec.dir(), python == null ? null : python.path(),
                    List.of(settings.logDir(), settings.stateDir()));
            try (AutoCloseable lock = store.lock(key, spec.startupTimeout().plusSeconds(60),
                    "another run's start of the reused backend '" + spec.name() + "'")) {
                Optional<ReuseRecord> kept = store.read(key);
                if (kept.isPresent()) {
                    Optional<LaunchedBackend> back = getBack(spec, store, key, kept.get(), fingerprint);
                    if (back.isPresent()) {
                        return back.get();
                    }
                }
                return startKept(spec, owner, store, key, fingerprint);
            }
        } catch (PrivateFolder.NotPrivate e) {
            throw new BackendStartException(e.getMessage() + ".", e);
        } catch (BackendStartException e) {
            throw e;
        } catch (Exception e) {
            throw new BackendStartException("backend '" + spec.name() + "': reuse between runs failed: " + e.getMessage()
                    + ". Set " + ManagedBackend.REUSE_PROPERTY_NAME + "=false to start it afresh each run.", e);
        }
    }

    /** What makes two backends the same: all they run with, but the name. */
    private List<String> keyParts(BackendSpec spec, PythonInterpreter python) {
        List<String> parts = new ArrayList<>(List.of(spec.mode().name(), spec.app(), spec.dir().toString(),
                python == null ? "" : python.path().toString(), spec.healthPath(),
                Integer.toString(spec.containerPort()), settings.host(), spec.inheritEnv().name(),
                Integer.toString(spec.port())));
        parts.add("command");
        parts.addAll(spec.command());
        parts.add("args");
        parts.addAll(spec.args());
        parts.add("env");
        new TreeMap<>(spec.env()).forEach((k, v) -> parts.add(k + "=" + v));
        return parts;
    }

    private Optional<LaunchedBackend> getBack(BackendSpec spec, ReuseStore store, String key, ReuseRecord kept,
            Fingerprint fingerprint) throws IOException {
        if (!kept.fingerprint().equals(fingerprint.hash())
                || !store.listing(key).map(listed -> listed.equals(fingerprint)).orElse(false)) {
            String changed = store.listing(key).flatMap(fingerprint::firstDifference).orElse("a file");
            LOG.info("backend '{}': {} since the reused backend (pid {}) started; starting a fresh one", spec.name(),
                    changed, kept.pid());
            store.forget(key, kept.id());
            // the old one goes now if no run uses it; else the last of them stops it on release, or its keeper
            Optional<AutoCloseable> unused = store.unused(kept.id());
            if (unused.isPresent()) {
                try (AutoCloseable exclusive = unused.get()) {
                    ReusedBackend.stop(kept, settings);
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
            return Optional.empty();
        }
        Optional<String> sick = sickness(kept, store);
        if (sick.isPresent()) {
            LOG.info("backend '{}': the reused backend (pid {}, {}) {}; replacing it with a fresh one", spec.name(),
                    kept.pid(), kept.url(), sick.get());
            store.forget(key, kept.id());
            ReusedBackend.stop(kept, settings);
            return Optional.empty();
        }
        HeldBackends.hold(store, kept.id(), settings.reuseIdle(),
                IdleKeeper.rootWords(kept.pid(), kept.pidStart(), kept.pgid()));
        LOG.info("backend '{}' reused at {} (pid {}, started {} s ago by an earlier run; {})", spec.name(), kept.url(),
                kept.pid(), (System.currentTimeMillis() - kept.startedMillis()) / 1000, spec.describe());
        return Optional.of(new ReusedBackend(spec.name(), store, key, kept, settings));
    }

    /** Why a kept backend cannot be used, if it cannot. */
    private Optional<String> sickness(ReuseRecord kept, ReuseStore store) {
        if (!ReusedBackend.runs(kept)) {
            return Optional.of("no longer runs (or its pid is not ours)");
        }
        if (!ProcessIdentity.isAlive(kept.keeperPid(), kept.keeperStart())) {
            return Optional.of("has lost its idle keeper");
        }
        // a lease about to run out could be ended by its keeper while this run takes it
        long margin = Math.max(1, Math.min(5, settings.reuseIdle().toSeconds() / 2));
        Optional<Long> deadline = store.deadline(kept.id());
        if (deadline.isEmpty() || deadline.get() - System.currentTimeMillis() / 1000 < margin) {
            return Optional.of("is at its idle timeout");
        }
        ProcessHandle root = ProcessHandle.of(kept.pid()).orElse(null);
        if (root == null) {
            return Optional.of("no longer runs");
        }
        switch (ListeningSockets.of(kept.port(), root)) {
            case FOREIGN:
                return Optional.of("does not hold its port " + kept.port() + ": another program listens there");
            case NONE:
                return Optional.of("no longer listens on its port " + kept.port());
            default:
                break;
        }
        Optional<String> refused = ReadinessProbe.connectProblem(kept.host(), kept.port());
        if (refused.isPresent() || kept.healthPath().isEmpty()) {
            return refused.map(problem -> "does not answer: " + problem);
        }
        return unhealthy(kept);
    }

    /** Its health check, once: a 2xx within {@link #HEALTH_TIMEOUT}, or why not. */
    private static Optional<String> unhealthy(ReuseRecord kept) {
        try {
            int status = QuickHealthCheck.status(kept.host(), kept.port(), kept.healthPath(), HEALTH_TIMEOUT);
            return status / 100 == 2 ? Optional.empty()
                    : Optional.of("answered GET " + kept.healthPath() + " with " + status);
        } catch (IOException e) {
            return Optional.of("did not answer GET " + kept.healthPath() + ": " + e);
        }
    }

    private LaunchedBackend startKept(BackendSpec spec, String owner, ReuseStore store, String key,
            Fingerprint fingerprint) throws IOException {
        String id = ReuseRecord.newId();
        String tag = id + ":" + spec.name();
        // the keeper first, on a lease as long as the start may take: a JVM killed during the
        // start leaves its backend to the keeper (the watchdog of this JVM stops only its own tag)
        store.renew(id, spec.startupTimeout().multipliedBy(settings.portAttempts()).plusSeconds(10), "");
        ProcessHandle keeper;
        ProcessBackend backend;
        try {
            keeper = IdleKeeper.start(store.lease(id), tag, settings.stateDir(), settings.logDir());
            backend = processes.startTagged(spec, owner, tag);
        } catch (IOException | RuntimeException e) {
            store.endLease(id);
            throw e;
        }
        long pid = backend.pid().getAsLong();
        long pidStart = ProcessIdentity.startOf(pid).orElse(0);
        long pgid = ProcessIdentity.groupOf(pid).orElse(0) == pid ? pid : 0;
        try {
            HeldBackends.hold(store, id, settings.reuseIdle(), IdleKeeper.rootWords(pid, pidStart, pgid));
            backend.detach(spec.healthPath());
            ReuseRecord record = new ReuseRecord(id, spec.name(), tag, pid, pidStart, pgid, backend.host(), backend.port(),
                    backend.baseUrl().toString(), spec.healthPath(), fingerprint.hash(), System.currentTimeMillis(),
                    settings.reuseIdle().toSeconds(), backend.logFile(), keeper.pid(),
                    ProcessIdentity.startOf(keeper.pid()).orElse(0));
            store.write(key, record, fingerprint);
            LOG.info("backend '{}' kept for reuse by later runs (pid {}, keeper pid {}, stopped after {} s unused)",
                    spec.name(), pid, keeper.pid(), settings.reuseIdle().toSeconds());
            return new ReusedBackend(spec.name(), store, key, record, settings);
        } catch (IOException | RuntimeException e) {
            HeldBackends.release(store, id, settings.reuseIdle());
            backend.close(); // before the hand-over; after it, by its tag:
            ProcessHandle.of(pid).ifPresent(root -> ProcessStopper.stopTree(root, false, pgid, tag, settings.stopTimeout()));
            store.endLease(id);
            throw e;
        }
    }
}
