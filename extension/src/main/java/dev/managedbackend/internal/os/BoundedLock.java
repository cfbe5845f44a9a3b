package dev.managedbackend.internal.os;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An OS lock on a range of a file, waited for at most a given time: a holder that never lets go
 * (a hung start, a stopped process) makes the wait fail with a message that names it, instead of
 * hanging the caller until some outer timeout says nothing useful.
 */
public final class BoundedLock {

    private static final long FIRST_PAUSE_MILLIS = 5;
    private static final long LONGEST_PAUSE_MILLIS = 100;

    private BoundedLock() {
    }

    /**
     * Takes an exclusive lock on {@code size} bytes of {@code channel} at {@code position}.
     *
     * @param file what {@code channel} is open on, and {@code what} it is for: both for the message
     * @throws IOException when {@code wait} runs out, naming who holds the lock
     */
    public static FileLock acquire(FileChannel channel, Path file, long position, long size, Duration wait,
            String what) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            FileLock lock = channel.tryLock(position, size, false);
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("waited " + wait.toSeconds() + " s for " + what + " (a lock on bytes "
                        + position + ".." + (position + size - 1) + " of " + file + "), held by "
                        + LockHolders.describe(file, position, size) + ". Wait for it to finish, or stop it");
            }
            try {
                Thread.sleep(pause); // polling: the OS offers no wait with a time limit on a file lock
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + what);
            }
            pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
        }
    }

    /**
     * {@link #acquire} on a channel that the lock then owns: closing what this returns releases the
     * lock and closes the channel; if the lock cannot be had, the channel is closed at once.
     */
    public static AutoCloseable holding(FileChannel channel, Path file, long position, long size, Duration wait,
            String what) throws IOException {
        FileLock lock;
        try {
            lock = acquire(channel, file, position, size, wait, what);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return () -> {
            lock.release();
            channel.close();
        };
    }
}
