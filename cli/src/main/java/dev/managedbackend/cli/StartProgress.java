package dev.managedbackend.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * What a person at a terminal sees while a start takes longer than a second: one line, rewritten
 * in place ({@code [managed-backend] starting backend 'api'... 3 s}) and erased when the start
 * ends. When stderr is not a terminal (a script, CI, a log file) it writes a plain line every
 * ten seconds instead, which nothing has to erase.
 */
final class StartProgress implements AutoCloseable {

    private static final long FIRST_MILLIS = 1_000;
    private static final long TERMINAL_EVERY_MILLIS = 200;
    private static final long PLAIN_EVERY_MILLIS = 10_000;

    /** The progress on screen now, if any: a log line erases it first (see {@link #erasure()}). */
    private static volatile StartProgress current;

    private final Thread thread;
    private final PrintWriter err;
    private final boolean terminal;
    private volatile boolean drawn;

    private StartProgress(PrintWriter err, String name, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        long begin = System.nanoTime();
        this.thread = new Thread(() -> {
            try {
                Thread.sleep(terminal ? FIRST_MILLIS : PLAIN_EVERY_MILLIS);
                while (true) {
                    long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
                    synchronized (err) {
                        if (terminal) {
                            err.print("\r\033[K[managed-backend] starting backend '" + name + "'... " + seconds + " s");
                            drawn = true;
                        } else {
                            err.println("[managed-backend] still starting backend '" + name + "' (" + seconds + " s)");
                        }
                        err.flush();
                    }
                    Thread.sleep(terminal ? TERMINAL_EVERY_MILLIS : PLAIN_EVERY_MILLIS);
                }
            } catch (InterruptedException done) {
                // the start ended
            }
        }, "managed-backend start: progress");
        thread.setDaemon(true);
    }

    /** Shows the progress of the start of backend {@code name} on {@code err} until closed. */
    static StartProgress show(PrintWriter err, String name) {
        StartProgress progress = new StartProgress(err, name, isTerminal());
        current = progress;
        progress.thread.start();
        return progress;
    }

    /** What a log line starts with so that it does not land at the end of the progress line. */
    static String erasure() {
        StartProgress progress = current;
        if (progress == null || !progress.drawn) {
            return "";
        }
        progress.drawn = false; // the next tick draws it again, below the log line
        return "\r\033[K";
    }

    @Override
    public void close() {
        current = null;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (drawn) {
            synchronized (err) {
                err.print("\r\033[K"); // the line goes, the library's "ready" line stays
                err.flush();
            }
        }
    }

    /** A terminal on both ends (Console.isTerminal() from Java 22 on, where console() is not enough). */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException before22) {
            return true; // up to Java 21, console() is null unless stdin and stdout are terminals
        }
    }
}
