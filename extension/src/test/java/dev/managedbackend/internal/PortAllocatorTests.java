package dev.managedbackend.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * Ports are leased across JVMs through byte-range locks on one file in the state folder; the
 * kernel drops a dead JVM's locks. The other JVM here is a real one ({@link LeaseHolder}).
 */
class PortAllocatorTests {

    /** Outside the pick range and below the ephemeral range, so nothing else uses them. */
    private static final int FIXED = 19890;

    @TempDir
    Path stateDir;

    private final List<Process> children = new ArrayList<>();
    private final List<PortLease> leases = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        leases.forEach(PortLease::close);
    }

    @Test
    void aPortLeasedByAnotherJvmCannotBeLeasedUntilThatJvmDies() throws Exception {
        PortAllocator allocator = PortAllocator.forStateDir(stateDir);
        Process holder = startHolder(FIXED);
        assertThat(firstLine(holder)).isEqualTo("leased " + FIXED);

        assertThat(allocator.leaseFixed(FIXED)).describedAs("lease while the other JVM holds it").isNull();
        assertThatThrownBy(() -> allocator.pick("127.0.0.1", FIXED, FIXED, Set.of()))
                .isExactlyInstanceOf(BackendStartException.class)
                .hasMessageStartingWith("Found no free port on 127.0.0.1 in 19890-19890 after 500 tries. 500 of "
                        + "them were leased in " + stateDir.resolve("ports.lock") + ", by pid " + holder.pid()
                        + " (uid " + PrivateFolder.currentUid() + ": ")
                .hasMessageContaining(" -cp ... " + LeaseHolder.class.getName() + " " + stateDir + " " + FIXED + ")")
                .hasMessageEndingWith(". Widen the range with -Dmanagedbackend.portRange=FROM-TO, or stop what holds "
                        + "these ports.");

        holder.destroyForcibly(); // SIGKILL: no code of the holder runs, only the kernel cleans up
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();

        PortLease lease = keep(allocator.leaseFixed(FIXED));
        assertThat(lease).describedAs("lease after the other JVM died").isNotNull();
        assertThat(lease.port()).isEqualTo(FIXED);
    }

    @Test
    void aPickedPortIsInRangeBindableAndLeasedAgainstOtherJvmsAndThisOne() throws Exception {
        PortAllocator allocator = PortAllocator.forStateDir(stateDir);

        PortLease lease = keep(allocator.pick("127.0.0.1", 20000, 32767, Set.of()));

        assertThat(lease.port()).isBetween(20000, 32767);
        assertThat(PortAllocator.canBind("127.0.0.1", lease.port())).isTrue();
        assertThat(allocator.leaseFixed(lease.port())).describedAs("same port again in this JVM").isNull();
        Process other = startHolder(lease.port());
        assertThat(firstLine(other)).isEqualTo("busy " + lease.port());

        lease.close();
        assertThat(keep(allocator.leaseFixed(lease.port()))).describedAs("after release").isNotNull();
    }

    @Test
    void pickSkipsPortsToAvoidAndPortsThatAreBound() throws IOException {
        PortAllocator allocator = PortAllocator.forStateDir(stateDir);
        try (ServerSocket bound = new ServerSocket()) {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FIXED + 1));

            for (int i = 0; i < 20; i++) {
                try (PortLease lease = allocator.pick("127.0.0.1", FIXED, FIXED + 2, Set.of(FIXED))) {
                    assertThat(lease.port()).isEqualTo(FIXED + 2);
                }
            }
        }
    }

    private Process startHolder(int port) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                LeaseHolder.class.getName(), stateDir.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        children.add(process);
        return process;
    }

    private static String firstLine(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        return out.readLine();
    }

    private PortLease keep(PortLease lease) {
        if (lease != null) {
            leases.add(lease);
        }
        return lease;
    }

    /** The other JVM: leases the port if it can, says so, and holds it until killed. */
    static final class LeaseHolder {
        public static void main(String[] args) throws InterruptedException {
            int port = Integer.parseInt(args[1]);
            PortLease lease = PortAllocator.forStateDir(Path.of(args[0])).leaseFixed(port);
            System.out.println((lease == null ? "busy " : "leased ") + port);
            System.out.flush();
            if (lease != null) {
                Thread.sleep(60_000);
            }
        }
    }
}
