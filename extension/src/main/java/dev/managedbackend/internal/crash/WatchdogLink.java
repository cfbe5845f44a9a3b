package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.OptionalLong;
import java.util.Set;

import org.slf4j.Logger;

import dev.managedbackend.internal.os.Logs;

/**
 * This JVM's one {@link Watchdog} and what it has been told. Started with the first
 * registration, on a thread of its own, so that no backend start waits for the spawn; what is
 * registered meanwhile is sent once it runs. A watchdog that died (someone killed it) is
 * replaced at the next command and told everything that still holds.
 */
final class WatchdogLink {

    private static final Logger LOG = Logs.logger();

    private final String tagPrefix;
    private final String entryPrefix;
    /** Commands that still hold ({@code add}, {@code container}, {@code ledger}), in order. */
    private final Set<String> registered = new LinkedHashSet<>();
    private Path log;
    private Watchdog watchdog;
    private boolean starting;
    private boolean failed;

    WatchdogLink(String tagPrefix, String entryPrefix) {
        this.tagPrefix = tagPrefix;
        this.entryPrefix = entryPrefix;
    }

    /**
     * A command as the watchdog reads it: the word, then each value in hex, so that no value (a
     * path with a newline, an id with a space) can be read as another word or command.
     */
    static String command(String word, String... values) {
        StringBuilder line = new StringBuilder(word);
        for (String value : values) {
            line.append(' ').append(hex(value));
        }
        return line.toString();
    }

    /** UTF-8 bytes as lowercase hex: how every value reaches the watchdog. */
    static String hex(String value) {
        return HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Registers {@code command} (made by {@link #command}); {@code log} is where the watchdog
     * reports, if it has to start (null: the one given before).
     */
    synchronized void register(String command, Path log) {
        if (this.log == null && log != null) {
            this.log = log;
        }
        if (registered.add(command)) {
            send(command);
        }
    }

    /** Takes back {@code registeredCommand} by sending {@code forgetCommand}. */
    synchronized void forget(String registeredCommand, String forgetCommand) {
        if (registered.remove(registeredCommand)) {
            send(forgetCommand);
        }
    }

    /**
     * Waits until the watchdog runs (it is started by the first registration), at most
     * {@code millis}; false if it could not be started.
     */
    synchronized boolean awaitRunning(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (starting && System.nanoTime() < deadline) {
            wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        }
        return watchdog != null;
    }

    /** The watchdog's pid; waits up to a second for one that is starting. */
    synchronized OptionalLong pid() throws InterruptedException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (starting && System.nanoTime() < deadline) {
            wait(10);
        }
        return watchdog == null ? OptionalLong.empty() : OptionalLong.of(watchdog.pid());
    }

    private void send(String command) {
        if (watchdog != null && watchdog.send(command)) {
            return;
        }
        if (watchdog != null) {
            LOG.warn("managed-backend: the watchdog (pid " + watchdog.pid() + ") is gone; "
                    + "starting a new one");
            watchdog = null;
        }
        if (!starting && !failed) {
            starting = true;
            Thread starter = new Thread(this::start, "managed-backend watchdog start");
            starter.setDaemon(true);
            starter.start();
        }
        // else: the watchdog being started is told everything registered once it runs
    }

    private void start() {
        Watchdog started = null;
        try {
            started = Watchdog.start(tagPrefix, entryPrefix, log);
        } catch (IOException | RuntimeException e) {
            LOG.warn("managed-backend: could not start the watchdog (/bin/sh): " + e
                    + "; what a killed test JVM leaves is cleaned up by the next run's ledger sweep only");
        }
        synchronized (this) {
            starting = false;
            failed = started == null;
            watchdog = started;
            if (started != null) {
                registered.forEach(started::send);
            }
            notifyAll();
        }
    }
}
