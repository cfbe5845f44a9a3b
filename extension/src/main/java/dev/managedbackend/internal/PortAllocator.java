package dev.managedbackend.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.LockHolders;
import dev.managedbackend.internal.os.PrivateFiles;

/**
 * Where ports are chosen. "Bind port 0, close, hand the number on" lets two JVMs, or any other
 * program, take the same port between the choice and the server's bind. Three things close that
 * window:
 * <ul>
 * <li>ports come from a range below the kernel's ephemeral range, so no program that binds port 0
 *     or opens an outgoing connection is ever handed one;</li>
 * <li>each chosen port is leased in a lock file shared by all test JVMs of the user (one byte per
 *     port, {@link FileChannel#tryLock(long, long, boolean)}), so no two JVMs pick the same one;</li>
 * <li>a port is only leased if it can be bound right now; a server that still loses the race is
 *     restarted on another port by the caller, a bounded number of times.</li>
 * </ul>
 */
public final class PortAllocator {

    private static final Map<Path, PortAllocator> BY_STATE_DIR = new ConcurrentHashMap<>();
    private static final int MAX_PICKS = 500;
    private static final String LEASE_FILE = "ports.lock";

    /** One channel per JVM: closing any other channel on the file would drop our locks. */
    private final FileChannel leases;
    private final Path file;

    private PortAllocator(FileChannel leases, Path file) {
        this.leases = leases;
        this.file = file;
    }

    public static PortAllocator forStateDir(Path stateDir) {
        return BY_STATE_DIR.computeIfAbsent(stateDir.toAbsolutePath().normalize(), dir -> {
            PrivateFiles files = StateDirectory.files(dir);
            Path file = files.dir().resolve(LEASE_FILE);
            FileChannel channel = onLockThread(() -> files.openShared(LEASE_FILE), "open the port lease file " + file);
            return new PortAllocator(channel, file);
        });
    }

    /** Leases a random free port from {@code from..to}, skipping {@code avoid}. */
    public PortLease pick(String host, int from, int to, Set<Integer> avoid) {
        int leased = 0;
        for (int i = 0; i < MAX_PICKS; i++) {
            int port = ThreadLocalRandom.current().nextInt(from, to + 1);
            if (avoid.contains(port)) {
                continue;
            }
            PortLease lease = tryLease(port);
            if (lease == null) {
                leased++;
                continue;
            }
            if (canBind(host, port)) {
                return lease;
            }
            lease.close();
        }
        // mostly leased: say by whom, since a process that holds many leases is likely stuck
        String holders = leased > MAX_PICKS / 2 ? String.format(" %d of them were leased in %s, by %s.", leased, file,
                LockHolders.describe(file, from, to - from + 1)) : "";
        throw new BackendStartException(String.format("Found no free port on %s in %d-%d after "
                + "%d tries.%s Widen the range with -D%s=FROM-TO, or stop what holds these ports.",
                host, from, to, MAX_PICKS, holders, ManagedBackend.PORT_RANGE_PROPERTY_NAME));
    }

    /**
     * Leases a port the user fixed, so that no other JVM of ours picks it meanwhile; empty if
     * another JVM of ours holds it.
     */
    public PortLease leaseFixed(int port) {
        return tryLease(port);
    }

    private PortLease tryLease(int port) {
        FileLock lock = onLockThread(() -> {
            try {
                return leases.tryLock(port, 1, false);
            } catch (OverlappingFileLockException e) {
                return null; // leased by this JVM already
            }
        }, "lease port " + port);
        return lock == null ? null : new PortLease(port, lock);
    }

    /** Releases a lease; on the lock thread, like every operation on the channel. */
    static void release(FileLock lock) {
        onLockThread(() -> {
            if (lock.isValid()) {
                lock.release();
            }
            return null;
        }, "release a port lease");
    }

    /** Something to do with the lease file that can throw. */
    private interface LockOperation<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code operation} on the one thread that touches the lease file. A FileChannel is
     * closed by an interrupt of a thread that uses it, and closing it would drop every lease of
     * this JVM at once; starts are interrupted on purpose (a sibling failed, a timeout), so no
     * such thread may ever use the channel. The caller waits for it even when interrupted (it
     * takes microseconds) and keeps its interrupt flag.
     */
    private static <T> T onLockThread(LockOperation<T> operation, String what) {
        Future<T> result = LOCK_THREAD.submit(operation::run);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get(); // the operation is short: finish it even if interrupted
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw new BackendStartException("Could not " + what + ": " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lives as long as the JVM's leases do; a daemon, so it never keeps the JVM alive. */
    private static final ExecutorService LOCK_THREAD = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "managed-backend port leases");
        thread.setDaemon(true);
        return thread;
    });

    /** Whether a server could bind {@code host:port} now (same SO_REUSEADDR as uvicorn). */
    public static boolean canBind(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
