package dev.managedbackend.internal.crash;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.managedbackend.internal.os.HostFacts;
import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessGroups;

/**
 * The keeper of one reused backend (one that outlives its test JVM to serve the next run): a
 * {@code /bin/sh} loop ({@code keeper.sh} beside this class) in a session of its own that stops
 * the backend once its lease file says it has been idle for too long, or ends as soon as the
 * backend is gone. It stops through the watchdog script, by the backend's tag, and removes the
 * backend's detached ledger entry; it carries no tag itself, so no stop ever takes it for a
 * backend. Not the watchdog: that one follows a JVM's life, this one a lease's.
 */
public final class IdleKeeper {

    /** What {@code $0} says in {@code ps}. */
    public static final String NAME = "managed-backend-keeper";
    private static final String SCRIPT = load();

    private IdleKeeper() {
    }

    /**
     * Starts the keeper of a reused backend before the backend is launched, and returns it (not
     * held: it outlives this JVM). Until {@link #rootWords} are in the lease, it watches only
     * the lease's deadline, so a JVM killed during the start leaves nothing beyond it.
     *
     * @param lease    the file whose line says when the backend's idle time ends (see keeper.sh)
     * @param tag      the backend's {@link OwnerTag} value {@code <reuse identity>:<name>}
     * @param stateDir the state folder whose ledger holds the backend's detached entry
     * @param logDir   the folder whose {@code watchdog} sub-folder gets the report of a stop
     */
    public static ProcessHandle start(Path lease, String tag, Path stateDir, Path logDir) throws IOException {
        if (SCRIPT == null || Watchdog.script() == null) {
            throw new IOException("the keeper or watchdog script is missing from the classpath");
        }
        String identity = tag.substring(0, tag.indexOf(':') + 1);
        Path log = null;
        try {
            Path folder = PrivateFolder.ensure(logDir.resolve("watchdog"), "The watchdog's log folder");
            log = folder.resolve("keeper-" + identity.substring(0, identity.length() - 1) + ".log");
        } catch (PrivateFolder.NotPrivate e) {
            // reports nowhere: the stop happens all the same
        }
        String tagPrefix = OwnerTag.VARIABLE + "=" + identity;
        List<String> script = List.of("/bin/sh", "-c", SCRIPT, NAME, Watchdog.script(), lease.toAbsolutePath().toString(),
                tagPrefix, WatchdogLink.hex(tagPrefix), WatchdogLink.hex(stateDir.resolve("ledger").toString()),
                WatchdogLink.hex(log == null ? "" : log.toString()));
        ProcessBuilder builder = new ProcessBuilder(script)
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.DISCARD)
                .redirectError(Redirect.DISCARD);
        builder.environment().remove(OwnerTag.VARIABLE); // never mistaken for a backend
        if (HostFacts.portableSwitch()) {
            builder.environment().put(HostFacts.PORTABLE_VARIABLE, "1"); // the watchdog it runs stops as without /proc
        }
        // a session of its own, as the watchdog's: the end of the JVM's group does not reach it
        ProcessGroups.inOwnGroup(script, Path.of("/"), builder.environment(), Optional.empty())
                .ifPresent(builder::command);
        return builder.start().toHandle();
    }

    /**
     * What the lease says once the backend is ready: {@code ROOT GROUP ENTRIES}, its root process,
     * its process group (or 0) and the name prefix of its detached ledger entry (hex).
     */
    public static String rootWords(long rootPid, long rootStart, long pgid) {
        return rootPid + " " + pgid + " "
                + WatchdogLink.hex(LedgerEntry.ownerPrefix(JvmIdentity.ofProcess(rootPid, rootStart)));
    }

    private static String load() {
        try (InputStream in = IdleKeeper.class.getResourceAsStream("keeper.sh")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
