package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.managedbackend.internal.os.HostFacts;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessGroups;

/**
 * The test JVM's watchdog: a {@code /bin/sh} script (a few milliseconds to start, nothing to
 * install) whose stdin is a pipe from this JVM. The JVM tells it what runs; when the pipe reaches
 * EOF, the JVM is gone, however it died (SIGKILL, the OOM killer, a JVM crash, an IDE's stop
 * button), and the script stops what the JVM left behind. It runs in a session of its own, so
 * Ctrl-C to Maven's process group does not take it down with the JVM.
 *
 * <p>It never signals a process unless its environment carries this JVM's tag
 * ({@code MANAGED_BACKEND_OWNER=<jvm identity>:...}), read again right before the signal,
 * nor a process group unless such a member is in it at that moment, so a pid or group id reused
 * by an unrelated program is left alone. It removes containers through the engine each was
 * recorded on, and deletes only the ledger entries it fully honoured: the rest is left to the
 * next JVM's {@link LedgerSweep}.
 */
final class Watchdog {

    /** What {@code $0} says in {@code ps}, so people (and tests) can tell what it is. */
    static final String NAME = "managed-backend-watchdog";
    private static final String RESOURCE = "watchdog.sh";

    /**
     * The script, {@code watchdog.sh} beside this class: the command protocol and what it does at
     * EOF are documented there. Run as {@code sh -c <text>}, so nothing is written to disk, and
     * read when this class is first used, on the watchdog's start thread.
     */
    private static final String SCRIPT = load();

    private final Process process;
    private final OutputStream commands;

    private Watchdog(Process process) {
        this.process = process;
        this.commands = process.getOutputStream();
    }

    /**
     * Starts a watchdog for this JVM.
     *
     * @param tagPrefix   {@code MANAGED_BACKEND_OWNER=<jvm identity>:}
     * @param entryPrefix the name prefix of this JVM's ledger entries
     * @param log         where it reports, if it ever has to act: a new file in a folder only
     *                    this user may use (see {@link CrashGuard})
     */
    static Watchdog start(String tagPrefix, String entryPrefix, Path log) throws IOException {
        if (SCRIPT == null) {
            throw new IOException("the watchdog script " + RESOURCE + " is missing from the classpath");
        }
        List<String> script = List.of("/bin/sh", "-c", SCRIPT, NAME, WatchdogLink.hex(tagPrefix),
                WatchdogLink.hex(entryPrefix), WatchdogLink.hex(log == null ? "" : log.toString()));
        ProcessBuilder builder = new ProcessBuilder(script)
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD);
        builder.environment().remove(OwnerTag.VARIABLE);
        if (HostFacts.portableSwitch()) {
            builder.environment().put(HostFacts.PORTABLE_VARIABLE, "1"); // it too behaves as without /proc
        }
        ProcessGroups.inOwnGroup(script, Path.of("/"), builder.environment(), Optional.empty())
                .ifPresent(builder::command);
        return new Watchdog(builder.start());
    }

    /** The script's text (for tests that run it under other conditions); null if it is missing. */
    static String script() {
        return SCRIPT;
    }

    private static String load() {
        try (InputStream in = Watchdog.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    long pid() {
        return process.pid();
    }

    /** Sends one command; false if the watchdog is gone (then the caller starts a new one). */
    synchronized boolean send(String command) {
        try {
            commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
