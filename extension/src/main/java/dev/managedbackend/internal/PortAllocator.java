package dev.managedbackend.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import dev.managedbackend.BackendStartException;

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

    /** One channel per JVM: closing any other channel on the file would drop our locks. */
    private final FileChannel leases;

    private PortAllocator(FileChannel leases) {
        this.leases = leases;
    }

    public static PortAllocator forStateDir(Path stateDir) {
        return BY_STATE_DIR.computeIfAbsent(stateDir.toAbsolutePath().normalize(), dir -> {
            try {
                Path file = StateDirectory.ensure(dir).resolve("ports.lock");
                return new PortAllocator(FileChannel.open(file, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not open the port lease file in " + dir, e);
            }
        });
    }

    /** Leases a random free port from {@code from..to}, skipping {@code avoid}. */
    public PortLease pick(String host, int from, int to, Set<Integer> avoid) {
        for (int i = 0; i < MAX_PICKS; i++) {
            int port = ThreadLocalRandom.current().nextInt(from, to + 1);
            if (avoid.contains(port)) {
                continue;
            }
            PortLease lease = tryLease(port);
            if (lease == null) {
                continue;
            }
            if (canBind(host, port)) {
                return lease;
            }
            lease.close();
        }
        throw new BackendStartException(String.format("Found no free port on %s in %d-%d after "
                + "%d tries. Widen the range with -D%s=FROM-TO, or stop what holds these ports.",
                host, from, to, MAX_PICKS, dev.managedbackend.ManagedBackend.PORT_RANGE_PROPERTY_NAME));
    }

    /**
     * Leases a port the user fixed, so that no other JVM of ours picks it meanwhile; empty if
     * another JVM of ours holds it.
     */
    public PortLease leaseFixed(int port) {
        return tryLease(port);
    }

    private PortLease tryLease(int port) {
        try {
            FileLock lock = leases.tryLock(port, 1, false);
            return lock == null ? null : new PortLease(port, lock);
        } catch (OverlappingFileLockException e) {
            return null; // leased by this JVM already
        } catch (IOException e) {
            throw new UncheckedIOException("Could not lease port " + port, e);
        }
    }

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
