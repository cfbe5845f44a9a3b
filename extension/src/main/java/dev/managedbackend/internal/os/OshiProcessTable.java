package dev.managedbackend.internal.os;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * {@link ProcessTable} through OSHI, which reads other processes' environments, states and
 * sockets on Linux, macOS and the BSDs alike. It is loaded when {@link #create()} first runs,
 * which only a sweep with something to sweep does, or the portable path (no {@code /proc}), so
 * a normal test run on Linux never loads a class of OSHI (or JNA).
 */
public final class OshiProcessTable implements ProcessTable {

    private final OperatingSystem os;

    private OshiProcessTable(OperatingSystem os) {
        this.os = os;
    }

    /** Typed as the interface, so that callers' bytecode never names this class's OSHI types. */
    public static ProcessTable create() {
        return new OshiProcessTable(new SystemInfo().getOperatingSystem());
    }

    /**
     * The one table of the portable path (no {@code /proc}), made when it is first asked for:
     * loading OSHI costs a few hundred milliseconds, once.
     */
    public static ProcessTable shared() {
        return Shared.TABLE;
    }

    private static final class Shared {
        static final ProcessTable TABLE = create();
    }

    @Override
    public Map<Long, String> withTags(Set<String> tags) {
        Map<Long, String> found = new HashMap<>();
        long self = ProcessHandle.current().pid();
        for (OSProcess process : os.getProcesses()) {
            if (process.getProcessID() == self || process.getState() == OSProcess.State.ZOMBIE) {
                continue;
            }
            String tag = tagIn(process);
            if (tag != null && tags.contains(tag)) {
                found.put((long) process.getProcessID(), tag);
            }
        }
        return found;
    }

    @Override
    public Optional<String> tagOf(long pid) {
        OSProcess process = os.getProcess((int) pid);
        return process == null ? Optional.empty() : Optional.ofNullable(tagIn(process));
    }

    @Override
    public boolean isZombie(long pid) {
        OSProcess process = os.getProcess((int) pid);
        return process != null && process.getState() == OSProcess.State.ZOMBIE;
    }

    @Override
    public Set<Long> listenersOn(int port) {
        Set<Long> pids = new HashSet<>();
        for (IPConnection connection : os.getInternetProtocolStats().getConnections()) {
            if (connection.getLocalPort() == port && connection.getState() == TcpState.LISTEN) {
                pids.add((long) connection.getowningProcessId()); // -1: a process we may not inspect
            }
        }
        return pids;
    }

    private static String tagIn(OSProcess process) {
        try {
            return process.getEnvironmentVariables().get(OwnerTag.VARIABLE);
        } catch (RuntimeException e) {
            return null; // gone, or not ours to read
        }
    }
}
