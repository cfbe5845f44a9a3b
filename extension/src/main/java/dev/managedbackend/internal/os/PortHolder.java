package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Who holds a port, in words a user can act on: pid, command line, user, how long it has run, and
 * whether it is a backend of ours from another run or a foreign process. Read from {@code /proc}
 * where there is one (the socket's inode, the process holding it); elsewhere OSHI, which maps
 * every socket of the host to its process at the cost of a scan of all processes (and JNA's
 * native library). Either way it runs only on a failure path or for {@code managed-backend who},
 * never on a normal start.
 */
public final class PortHolder {

    private PortHolder() {
    }

    /** E.g. "pid 4242 (python3 -m http.server 8000), user alice, running for 3 min: a foreign process, ...". */
    public static String describe(int port) {
        return find(port).orElse("no process that this user can see listens on it (another user's process, or a "
                + "socket bound but not listening)");
    }

    /**
     * Who listens on {@code port}, described as by {@link #describe(int)}; empty if no process that
     * this user can see does.
     */
    public static Optional<String> find(int port) {
        if (ListeningSockets.fromProc()) {
            return fromProc(port); // OSHI (and JNA) load only where there is no /proc
        }
        try {
            OperatingSystem os = new SystemInfo().getOperatingSystem();
            for (IPConnection connection : os.getInternetProtocolStats().getConnections()) {
                if (connection.getLocalPort() != port || connection.getState() != TcpState.LISTEN) {
                    continue;
                }
                int pid = connection.getowningProcessId();
                if (pid < 0) {
                    return Optional.of("a process this user may not inspect (another user's?); its pid and command "
                            + "cannot be read here");
                }
                OSProcess process = os.getProcess(pid);
                return Optional.of(process == null ? "pid " + pid + ", which exited just now" : describe(process));
            }
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("a process that could not be identified (" + e + ")");
        }
    }

    /**
     * The listener from {@code /proc}: the socket's inode in {@code /proc/net/tcp*}, the process
     * whose {@code fd/} links to it, and that process's command line, user, start and environment,
     * as OSHI reads them there, without OSHI's scan of every socket and process of the host.
     */
    private static Optional<String> fromProc(int port) {
        Set<String> sockets = ListeningSockets.listeningInodes(port);
        if (sockets.isEmpty()) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (holds(proc, sockets)) {
                    return Optional.of(ProcessHandle.of(pid).map(PortHolder::describe)
                            .orElse("pid " + pid + ", which exited just now"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.of("a process that could not be identified (" + e + ")");
        }
        return Optional.of("a process this user may not inspect (another user's?); its pid and command cannot be read "
                + "here");
    }

    private static boolean holds(Path proc, Set<String> sockets) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (sockets.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            // another user's process, or it exited
        }
        return false;
    }

    private static String describe(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        String command = readNulSeparated(proc.resolve("cmdline")).map(args -> String.join(" ", args).strip())
                .filter(line -> !line.isEmpty()).orElseGet(() -> process.info().command().orElse("?"));
        Map<String, String> env = new HashMap<>();
        readNulSeparated(proc.resolve("environ")).ifPresent(pairs -> pairs.forEach(pair -> {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }));
        Duration uptime = process.info().startInstant().map(start -> Duration.between(start, Instant.now()))
                .orElse(Duration.ZERO);
        return describe(process.pid(), command, process.info().user().orElse("?"), uptime, env);
    }

    private static Optional<List<String>> readNulSeparated(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return Optional.of(Arrays.asList(text.split("\0")));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static String describe(OSProcess process) {
        String command = process.getCommandLine().isBlank() ? process.getName() : process.getCommandLine();
        return describe(process.getProcessID(), command, process.getUser(), Duration.ofMillis(process.getUpTime()),
                environmentOf(process));
    }

    private static String describe(long pid, String command, String user, Duration uptime, Map<String, String> env) {
        String who = "pid " + pid + " (" + command + "), user " + user + ", running for " + human(uptime);
        String tag = env.get(OwnerTag.VARIABLE);
        if (tag != null && tag.startsWith(OwnerTag.REUSE_PREFIX) && tag.indexOf(':') > 0) {
            String name = OwnerTag.backendOf(tag);
            return who + ": backend '" + name + "', which managed-backend keeps running for reuse between test runs "
                    + "(managedbackend.reuse); it stops once unused for managedbackend.reuseIdleSeconds, or stop it "
                    + "now with managed-backend stop " + shellWord(name);
        }
        if (OwnerTag.ownerOf(tag).isEmpty()) {
            return who + ": a foreign process, which managed-backend never touches";
        }
        OwnerTag.Owner owner = OwnerTag.ownerOf(tag).orElseThrow();
        String name = OwnerTag.backendOf(tag);
        if (owner.isAlive()) {
            return who + ": a backend that managed-backend started for test JVM " + owner.pid()
                    + ProcessHandle.of(owner.pid()).flatMap(jvm -> jvm.info().commandLine())
                            .map(line -> " (" + shorten(line) + ")").orElse("")
                    + ", which is still running (another test run on this host); let it finish";
        }
        if (!env.getOrDefault(OwnerTag.DETACHED_VARIABLE, "").isEmpty()) {
            return who + ": backend '" + name + "', which managed-backend start started to outlive it; stop it with "
                    + "managed-backend stop " + shellWord(name);
        }
        return who + ": a backend that managed-backend started for test JVM " + owner.pid()
                + ", which is gone; the next test run sweeps it (managed-backend reap does it now), or stop it now "
                + "with kill " + pid;
    }

    /** {@code name} as one word of a shell command line. */
    private static String shellWord(String name) {
        return name.matches("[\\w.@%+=:,/-]+") ? name : "'" + name.replace("'", "'\\''") + "'";
    }

    private static Map<String, String> environmentOf(OSProcess process) {
        try {
            return process.getEnvironmentVariables();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static String shorten(String command) {
        return command.length() <= 120 ? command : command.substring(0, 117) + "...";
    }

    private static String human(Duration d) {
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toSeconds() + " s";
    }
}
