package dev.managedbackend.internal.os;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Who holds a port, in words a user can act on: pid, command line, user, how long it has run, and
 * whether it is a backend of ours from another run or a foreign process. Uses OSHI, which maps
 * every socket of the host to its process; that costs a scan of all processes, which is why it
 * runs only on the failure path, never on a normal start.
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

    private static String describe(OSProcess process) {
        String command = process.getCommandLine().isBlank() ? process.getName() : process.getCommandLine();
        String who = "pid " + process.getProcessID() + " (" + command + "), user " + process.getUser()
                + ", running for " + human(Duration.ofMillis(process.getUpTime()));
        Map<String, String> env = environmentOf(process);
        String tag = env.get(OwnerTag.VARIABLE);
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
                    + "managed-backend stop " + (name.matches("[\\w.@%+=:,/-]+") ? name : "'" + name.replace("'", "'\\''")
                            + "'");
        }
        return who + ": a backend that managed-backend started for test JVM " + owner.pid()
                + ", which is gone; the next test run sweeps it (managed-backend reap does it now), or stop it now "
                + "with kill " + process.getProcessID();
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
