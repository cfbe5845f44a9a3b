package dev.managedbackend.internal.container;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.testcontainers.containers.output.OutputFrame;

import dev.managedbackend.internal.LogFile;

/**
 * Copies a container's stdout and stderr into the backend's log file as they come (a
 * Testcontainers log consumer), so the log reads like a process-mode backend's and failure
 * messages can quote its tail.
 */
final class ContainerOutput implements Consumer<OutputFrame> {

    private final LogFile log;
    private final CountDownLatch ended = new CountDownLatch(1);
    private OutputStream out;

    ContainerOutput(LogFile log) {
        this.log = log;
    }

    @Override
    public synchronized void accept(OutputFrame frame) {
        if (frame.getType() == OutputFrame.OutputType.END) {
            close();
            return;
        }
        byte[] bytes = frame.getBytes();
        if (bytes == null || ended.getCount() == 0) {
            return;
        }
        try {
            if (out == null) {
                out = log.append();
            }
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the log is for people; a failed copy must not fail the backend
        }
    }

    /**
     * Waits until the container's output has ended (it stopped) and is all in the file, at most
     * {@code max}: the tail of a failure message should include the last words of the container.
     */
    void awaitEnd(Duration max) {
        try {
            ended.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops copying (the container is gone) and releases the file. */
    synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // nothing left to save
        } finally {
            ended.countDown();
        }
    }
}
