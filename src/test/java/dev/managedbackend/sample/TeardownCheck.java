package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.managedbackend.Backend;

/**
 * Checks that a class's backends are really gone when JUnit closes the class: every process of
 * the tree has exited (or the container is removed) and the port can be bound again. Register it before
 * {@code @ManagedBackend}: JUnit closes Store values in reverse order, so this check runs right
 * after the extension has stopped the backends, and fails the class if anything is left.
 */
public final class TeardownCheck implements BeforeAllCallback {

    private static final Map<Class<?>, List<Watched>> WATCHED = new ConcurrentHashMap<>();

    private record Watched(Backend backend, List<ProcessHandle> tree) {
    }

    /**
     * Remembers the backend's process tree as it is now (process mode) or its container id
     * (container mode), to check after the class that all of it is gone.
     */
    public static void watch(Class<?> testClass, Backend backend) {
        List<ProcessHandle> tree = new CopyOnWriteArrayList<>();
        backend.pid().ifPresent(pid -> {
            ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
            tree.add(root);
            root.descendants().forEach(tree::add);
        });
        assertThat(tree.isEmpty()).as("%s has a pid or a container id", backend)
                .isEqualTo(backend.containerId().isPresent());
        WATCHED.computeIfAbsent(testClass, c -> new CopyOnWriteArrayList<>()).add(new Watched(backend, tree));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        if (testClass.isAnnotationPresent(Nested.class)) {
            return; // a nested class shares its outer class's backend, checked there
        }
        context.getStore(ExtensionContext.Namespace.create(TeardownCheck.class, testClass))
                .put("check", (AutoCloseable) () -> verify(testClass));
    }

    private static void verify(Class<?> testClass) {
        List<Watched> watched = WATCHED.remove(testClass);
        assertThat(watched).as("backends watched by %s", testClass.getSimpleName()).isNotEmpty();
        for (Watched w : watched) {
            assertThat(w.tree()).as("processes of %s", w.backend()).noneMatch(TeardownCheck::isRunning);
            w.backend().containerId().ifPresent(id -> assertThat(containerExists(id))
                    .as("container %s of %s, in any state (docker ps -a)", id, w.backend()).isFalse());
            assertThat(canBind(w.backend().host(), w.backend().port()))
                    .as("port %d free after %s stopped", w.backend().port(), w.backend()).isTrue();
            assertThat(w.backend().isRunning()).isFalse();
        }
    }

    private static boolean containerExists(String id) {
        try {
            Process docker = new ProcessBuilder("docker", "ps", "-aq", "--filter", "id=" + id)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(docker.waitFor()).as("exit code of docker ps").isZero();
            return !out.isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Alive and not a zombie. A zombie has exited; it only waits for its parent to collect its
     * exit status, and an orphan's new parent (pid 1 in some containers, as on these CI machines)
     * may never do so. {@link ProcessHandle#isAlive()} counts zombies as alive.
     */
    private static boolean isRunning(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false; // gone
        }
    }

    private static boolean canBind(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
