package dev.managedbackend.internal.os;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs short file operations on a thread of its own. A file channel is closed by an interrupt of
 * the thread that uses it ({@code ClosedByInterruptException}), and starts are interrupted on
 * purpose (a sibling failed, a timeout): a crash-ledger entry must still be written then. The
 * caller waits even when interrupted (the operation takes microseconds) and keeps its flag.
 */
final class Uninterrupted {

    /** A daemon, so it never keeps the JVM alive. */
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "managed-backend private files");
        thread.setDaemon(true);
        return thread;
    });

    private Uninterrupted() {
    }

    /** Something to do with files that can throw. */
    interface Operation<T> {
        T run() throws IOException;
    }

    static <T> T run(Operation<T> operation) throws IOException {
        Future<T> result = THREAD.submit(operation::run);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
