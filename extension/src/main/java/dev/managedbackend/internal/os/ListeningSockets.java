package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * Answers "is this port listening, and is the listener a process we started?", so that a stale
 * server or another job on the port can never make a start look ready.
 *
 * <p>Read by hand from {@code /proc}: OSHI answers "who owns port P" by mapping every socket of
 * every process on the host, which costs a full process-table scan per poll; we only need to
 * look at the few processes we started, which takes well under a millisecond and keeps OSHI off
 * the normal path. Where {@code /proc} is missing (macOS) OSHI's connection table answers, at the
 * cost of that scan per poll (it runs only once something accepts connections on the port).
 */
public final class ListeningSockets {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String LISTEN = "0A";

    public enum Ownership {
        /** Nobody listens on the port yet. */
        NONE,
        /** One of the given processes holds the listening socket. */
        OURS,
        /** A listening socket exists, but none of the given processes holds it. */
        FOREIGN
    }

    private ListeningSockets() {
    }

    /** Whether the listeners' sockets are read from {@code /proc} here (else OSHI answers). */
    static boolean fromProc() {
        return HostFacts.hasProc() && Files.isReadable(TABLES.get(0));
    }

    /** Who listens on {@code port}, looking at {@code root} and its descendants. */
    public static Ownership of(int port, ProcessHandle root) {
        LongPredicate holds;
        if (fromProc()) {
            Set<String> inodes = listeningInodes(port);
            holds = inodes.isEmpty() ? null : pid -> holdsAny(pid, inodes);
        } else {
            Set<Long> pids = OshiProcessTable.shared().listenersOn(port);
            holds = pids.isEmpty() ? null : pids::contains;
        }
        if (holds == null) {
            return Ownership.NONE;
        }
        // The root usually holds the socket (uvicorn binds in the parent, also with --workers and
        // --reload); only look further down the tree when it does not.
        if (holds.test(root.pid())) {
            return Ownership.OURS;
        }
        try (Stream<ProcessHandle> descendants = root.descendants()) {
            return descendants.anyMatch(child -> holds.test(child.pid())) ? Ownership.OURS : Ownership.FOREIGN;
        }
    }

    /** The {@code socket:[inode]} links of the sockets listening on {@code port} (for PortHolder too). */
    static Set<String> listeningInodes(int port) {
        String portHex = String.format(Locale.ROOT, ":%04X", port);
        Set<String> inodes = new HashSet<>();
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && f[1].endsWith(portHex) && f[3].equals(LISTEN)) {
                        inodes.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException e) {
                // tcp6 is missing when IPv6 is off; tcp alone is then the whole answer
            }
        }
        return inodes;
    }

    private static boolean holdsAny(long pid, Set<String> socketLinks) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (socketLinks.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // the fd closed while we looked
                }
            }
        } catch (IOException e) {
            // the process exited
        }
        return false;
    }
}
