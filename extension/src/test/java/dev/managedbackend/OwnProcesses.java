package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.prefork.Templates;

/**
 * What is left of the processes the extension started. Each backend process carries
 * {@code MANAGED_BACKEND_OWNER=<jvm pid>:<backend name>} in its environment, inherited by all it
 * spawns, so reading {@code /proc/<pid>/environ} finds a backend's whole tree even after its root
 * is gone and its children were re-parented.
 *
 * <p>As an extension ({@code @ExtendWith(OwnProcesses.class)}) it fails any test after which a
 * process started by this JVM's backends is still alive.
 */
final class OwnProcesses implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        assertNoneLeft();
    }

    /**
     * How the {@link JvmIdentity} of the JVM {@code jvmPid} of this host and pid namespace begins
     * ({@code <boot>-<pid namespace>-<pid>-}): its start and random part are the child's own.
     */
    static String identityPrefix(long jvmPid) {
        return ProcessIdentity.boot() + "-" + JvmIdentity.pidNamespace() + "-" + jvmPid + "-";
    }

    /** Fails if any process started by this JVM's backends is alive. */
    static void assertNoneLeft() {
        assertThat(ownedBy(ProcessHandle.current().pid()))
                .describedAs("processes started by managed-backend in this JVM that are still alive")
                .isEmpty();
    }

    /**
     * Live processes whose environment says a backend of JVM {@code jvmPid} started them; this
     * JVM's prefork templates, which live as long as the JVM, do not count.
     */
    static List<String> ownedBy(long jvmPid) {
        String marker = OwnerTag.VARIABLE + "=" + identityPrefix(jvmPid);
        Set<Long> templates = jvmPid == ProcessHandle.current().pid() ? Templates.pids() : Set.of();
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                if (templates.contains(Long.parseLong(proc.getFileName().toString()))) {
                    continue;
                }
                environ(proc).filter(env -> env.startsWith(marker) || env.contains("\0" + marker))
                        .ifPresent(env -> found.add(proc.getFileName() + " " + commandLine(proc)));
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** Kills (SIGKILL) every live process started by this JVM's backends (not its templates); returns how many. */
    static int killAll() {
        List<String> found = ownedBy(ProcessHandle.current().pid());
        found.forEach(entry -> ProcessHandle.of(Long.parseLong(entry.substring(0, entry.indexOf(' '))))
                .ifPresent(ProcessHandle::destroyForcibly));
        return found.size();
    }

    /** The pids of {@code pid}'s descendants right now. */
    static List<Long> descendants(long pid) {
        try (Stream<ProcessHandle> descendants = ProcessHandle.of(pid).map(ProcessHandle::descendants)
                .orElseGet(Stream::empty)) {
            return descendants.map(ProcessHandle::pid).toList();
        }
    }

    /** Whether {@code pid} is a live process (not a zombie). */
    static boolean isAlive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether something accepts connections on {@code 127.0.0.1:port}. To wait for a server to listen, connect:
     * a probe that binds holds the port for a moment and can make the server's own bind fail.
     */
    static boolean listens(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a server could bind {@code 127.0.0.1:port} now. */
    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> environ(Path proc) {
        try {
            return Optional.of(new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // gone, or not ours to read
        }
    }

    private static String commandLine(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
