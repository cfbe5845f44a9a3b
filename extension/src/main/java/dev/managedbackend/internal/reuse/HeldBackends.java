package dev.managedbackend.internal.reuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

import dev.managedbackend.internal.os.Logs;

/**
 * The reused backends this JVM uses right now: the one owner of that per-JVM state. For each, a
 * shared lock on its use file (so another run knows it is in use and does not stop it; the kernel
 * drops the lock if this JVM dies) and a lease renewed on a timer while in use, so that its
 * keeper leaves it alone however long a test class runs, and stops it one idle timeout after a
 * SIGKILL of this JVM. Within one JVM a backend is held once, however many levels use it (a
 * second OS lock on the same file from the same JVM would fail).
 */
public final class HeldBackends {

    private static final Logger LOG = Logs.logger();
    private static final Map<String, Held> HELD = new HashMap<>();
    private static ScheduledExecutorService timer;

    private HeldBackends() {
    }

    private record Held(FileChannel channel, FileLock lock, ScheduledFuture<?> renewal, String root, int users) {
        Held plus(int more) {
            return new Held(channel, lock, renewal, root, users + more);
        }
    }

    /**
     * Takes a use of {@code id}: its lease is renewed now and then every third of {@code idle} (at most 20 s).
     *
     * @param root what its keeper needs to know of it (see {@link ReuseStore#renew})
     */
    public static synchronized void hold(ReuseStore store, String id, Duration idle, String root) throws IOException {
        store.renew(id, idle, root);
        Held held = HELD.get(id);
        if (held != null) {
            HELD.put(id, held.plus(1));
            return;
        }
        FileChannel channel = store.openUse(id);
        FileLock lock = channel.tryLock(0, 1, true);
        if (lock == null) { // a run is stopping it this moment
            channel.close();
            throw new IOException("backend " + id + " is being stopped by another run");
        }
        long every = Math.max(1, Math.min(20, idle.toSeconds() / 3));
        ScheduledFuture<?> renewal = timer().scheduleAtFixedRate(() -> {
            try {
                store.renew(id, idle, root);
            } catch (IOException | RuntimeException e) {
                LOG.warn("managed-backend: could not renew the lease of reused backend {}: {}", id, e.toString());
            }
        }, every, every, TimeUnit.SECONDS);
        HELD.put(id, new Held(channel, lock, renewal, root, 1));
    }

    /**
     * Gives a use of {@code id} back: its idle time starts now.
     *
     * @return whether this JVM no longer uses it at all
     */
    public static synchronized boolean release(ReuseStore store, String id, Duration idle) {
        Held held = HELD.get(id);
        if (held == null) {
            return true;
        }
        if (held.users() > 1) {
            HELD.put(id, held.plus(-1));
            return false;
        }
        HELD.remove(id);
        held.renewal().cancel(false);
        try {
            store.renew(id, idle, held.root());
        } catch (IOException e) {
            LOG.warn("managed-backend: could not renew the lease of reused backend {}: {}", id, e.toString());
        }
        try {
            held.lock().release();
            held.channel().close();
        } catch (IOException e) {
            // closing the channel drops the lock in any case
        }
        return true;
    }

    private static ScheduledExecutorService timer() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "managed-backend reuse lease");
                thread.setDaemon(true); // never keeps the JVM alive; a JVM that ends releases by dying
                return thread;
            });
        }
        return timer;
    }
}
