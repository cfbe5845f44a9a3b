package dev.managedbackend.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.slf4j.Logger;

import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;
import dev.managedbackend.internal.reuse.HeldBackends;
import dev.managedbackend.internal.reuse.ReuseRecord;
import dev.managedbackend.internal.reuse.ReuseStore;

/**
 * One run's use of a backend kept between runs ({@code managedbackend.reuse}); not the process
 * itself, which belongs to no JVM (its tag carries a reuse identity of its own) and is stopped by
 * its keeper once idle. The end of the scope only gives it back ({@link #release()});
 * {@link #close()}, which {@code stop()} and {@code restart()} reach, stops it for good.
 */
final class ReusedBackend implements LaunchedBackend {

    private static final Logger LOG = Logs.logger();

    private final String name;
    private final ReuseStore store;
    private final String key;
    private final ReuseRecord record;
    private final Settings settings;
    private boolean released;

    ReusedBackend(String name, ReuseStore store, String key, ReuseRecord record, Settings settings) {
        this.name = name;
        this.store = store;
        this.key = key;
        this.record = record;
        this.settings = settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUrl() {
        return URI.create(record.url());
    }

    @Override
    public String host() {
        return record.host();
    }

    @Override
    public int port() {
        return record.port();
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(record.pid());
    }

    @Override
    public Optional<String> containerId() {
        return Optional.empty();
    }

    @Override
    public Path logFile() {
        return record.logFile();
    }

    @Override
    public boolean isRunning() {
        return runs(record);
    }

    /** Not this JVM's child: its exit code cannot be known. */
    @Override
    public OptionalInt exitCode() {
        return OptionalInt.empty();
    }

    @Override
    public boolean isReused() {
        return true;
    }

    /**
     * Gives it back: its idle time starts now. If a later run replaced it (its files changed) and
     * no other run uses it, it is stopped now rather than at its idle timeout.
     */
    @Override
    public synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        boolean last = HeldBackends.release(store, record.id(), settings.reuseIdle());
        try {
            boolean replaced = store.read(key).map(current -> !current.id().equals(record.id())).orElse(true);
            if (last && replaced) {
                Optional<AutoCloseable> unused = store.unused(record.id());
                if (unused.isPresent()) {
                    try (AutoCloseable exclusive = unused.get()) {
                        stop(record, settings);
                    }
                    LOG.info("backend '{}' stopped: a later run replaced it (pid {})", name, record.pid());
                    return;
                }
            }
        } catch (Exception e) {
            LOG.warn("managed-backend: backend '{}' (pid {}) was given back, but whether a later run replaced it "
                    + "could not be read ({}); its keeper stops it once idle", name, record.pid(), e.toString());
        }
        LOG.info("backend '{}' kept running for the next run (pid {}, {}; stopped after {} s unused)", name,
                record.pid(), record.url(), settings.reuseIdle().toSeconds());
    }

    /** Stops it for good: {@code stop()}, {@code restart()}. */
    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            HeldBackends.release(store, record.id(), settings.reuseIdle());
        }
        try {
            store.forget(key, record.id());
        } catch (IOException e) {
            LOG.warn("managed-backend: could not remove the reuse record of backend '{}': {}", name, e.toString());
        }
        stop(record, settings);
    }

    /** Whether the recorded root process runs and carries the backend's tag: the backend is there, and ours. */
    static boolean runs(ReuseRecord record) {
        return ProcessIdentity.isAlive(record.pid(), record.pidStart())
                && (!ProcessIdentity.hasProc() || ProcessIdentity.carriesTag(record.pid(), record.tag()));
    }

    /**
     * Stops a recorded backend with the one stop routine, through its detached ledger entry where
     * it has one (which goes with it), and ends its lease, so its keeper ends too.
     */
    static void stop(ReuseRecord record, Settings settings) {
        List<ProcessHandle> left = List.of();
        try {
            Optional<DetachedBackends.Found> entry = DetachedBackends.list(settings.stateDir()).stream()
                    .filter(found -> found.pid() == record.pid() && found.pidStart() == record.pidStart()
                            && found.tag().equals(record.tag()))
                    .findFirst();
            if (entry.isPresent()) {
                left = DetachedBackends.stop(entry.get(), settings.stopTimeout());
            } else if (runs(record)) {
                left = ProcessStopper.stopTree(ProcessHandle.of(record.pid()).orElseThrow(), false, record.pgid(),
                        record.tag(), settings.stopTimeout());
            }
        } catch (IOException | PrivateFolder.NotPrivate | RuntimeException e) {
            LOG.warn("managed-backend: could not stop the reused backend '{}' (pid {}): {}; its keeper stops it "
                    + "once idle", record.name(), record.pid(), e.toString());
            return;
        }
        if (!left.isEmpty()) {
            LOG.warn("managed-backend: the reused backend '{}' was stopped, but {} still run; its ledger entry "
                    + "stays for the next sweep", record.name(), left);
        }
        try {
            store(settings).endLease(record.id());
        } catch (IOException | PrivateFolder.NotPrivate e) {
            // its keeper ends anyway once the root no longer carries the tag
        }
    }

    private static ReuseStore store(Settings settings) throws PrivateFolder.NotPrivate {
        return ReuseStore.open(settings.stateDir());
    }

    @Override
    public String toString() {
        return "reused backend '" + name + "' (pid " + record.pid() + ", " + record.url() + ")";
    }
}
