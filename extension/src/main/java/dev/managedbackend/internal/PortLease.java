package dev.managedbackend.internal;

import java.nio.channels.FileLock;

/**
 * A port reserved for one backend, across every test JVM of this user on this host, until
 * {@link #close()}. The reservation is an OS byte-range lock, so the kernel drops it if the JVM
 * dies: a crashed run never leaves a port reserved.
 */
public final class PortLease implements AutoCloseable {

    private final int port;
    private final FileLock lock;

    PortLease(int port, FileLock lock) {
        this.port = port;
        this.lock = lock;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            PortAllocator.release(lock);
        } catch (RuntimeException ignored) {
            // the channel is shared and stays open; a failed release only matters if the JVM
            // lives on, and then the lock goes with the JVM anyway
        }
    }
}
