package dev.managedbackend;

import static dev.managedbackend.CrashTeardownTests.awaitTrue;
import static dev.managedbackend.CrashTeardownTests.ledger;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.CrashTeardownTests.QuickCases;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.PortAllocator;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.CrashGuard;

/**
 * Containers registered with the crash guard are removed when the test JVM is SIGKILLed: by
 * the watchdog within seconds, or by the next JVM's ledger sweep when the watchdog was killed
 * too. Both for a container-mode backend ({@code image}) and for a container registered through
 * the API directly. Needs a Docker engine and the images {@code scripts/docker-base.sh} and
 * {@code scripts/build-sample-image.sh} make (and, on a machine like CI's, the Testcontainers
 * variables that {@code .ci/run} exports); skipped without the images.
 */
@EnabledIf("dockerWithImages")
class CrashContainerTests {

    private static final String IMAGE = "managed-backend/python-fastapi:bookworm";
    private static final String SAMPLE_IMAGE = "sample-fastapi:dev";
    private static final Duration CONTAINER_BOUND = Duration.ofSeconds(5);
    private static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    static boolean dockerWithImages() {
        try {
            return docker("image", "inspect", "--format", "{{.Id}}", IMAGE).isPresent()
                    && docker("image", "inspect", "--format", "{{.Id}}", SAMPLE_IMAGE).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void sigkillOfTheTestJvmRemovesItsContainerModeBackend() throws Exception {
        Path state = temp.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(ContainerModeCases.class, temp.resolve("jvm"), state)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            String id = ready.containerId();
            try {
                assertThat(exists(id)).isTrue();
                assertThat(ledger(state)).describedAs("the container's ledger entry").hasSize(1);

                long killed = System.nanoTime();
                jvm.process().destroyForcibly();
                awaitTrue(() -> !exists(id) && PortAllocator.canBind("127.0.0.1", ready.port()), Duration.ofSeconds(15),
                        () -> "container " + id + " removed, port " + ready.port() + " free; " + jvm.watchdogLog());
                Duration gone = Duration.ofNanos(System.nanoTime() - killed);
                System.out.printf("[crash] SIGKILL, container mode: container removed and port %d free %d ms after "
                        + "the JVM was killed%n", ready.port(), gone.toMillis());
                assertThat(gone).describedAs("time from SIGKILL until the container was removed")
                        .isLessThan(CONTAINER_BOUND);
                awaitTrue(() -> ledger(state).isEmpty(), Duration.ofSeconds(5), () -> "ledger empty");
            } finally {
                docker("rm", "-f", id);
            }
        }
    }

    @Test
    void whenTheWatchdogIsKilledTooTheNextJvmsSweepRemovesTheContainerModeBackend() throws Exception {
        watchdogKilledTooThenTheNextSweepRemovesTheContainer(ContainerModeCases.class);
    }

    @Test
    void sigkillOfTheTestJvmRemovesItsContainers() throws Exception {
        Path state = temp.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(ContainerCases.class, temp.resolve("jvm"), state)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            String id = ready.containerId();
            try {
                assertThat(exists(id)).isTrue();

                long killed = System.nanoTime();
                jvm.process().destroyForcibly();
                awaitTrue(() -> !exists(id), Duration.ofSeconds(15), () -> "container " + id + " removed; "
                        + jvm.watchdogLog());
                Duration gone = Duration.ofNanos(System.nanoTime() - killed);
                System.out.printf("[crash] SIGKILL: container removed %d ms after the JVM was killed%n", gone.toMillis());
                assertThat(gone).describedAs("time from SIGKILL until the container was removed")
                        .isLessThan(CONTAINER_BOUND);
                awaitTrue(() -> ledger(state).isEmpty(), Duration.ofSeconds(5), () -> "ledger empty");
            } finally {
                docker("rm", "-f", id);
            }
        }
    }

    @Test
    void whenTheWatchdogIsKilledTooTheNextJvmsSweepRemovesTheContainer() throws Exception {
        watchdogKilledTooThenTheNextSweepRemovesTheContainer(ContainerCases.class);
    }

    /** Kills the watchdog and the JVM running {@code fixture}; the next JVM's sweep must remove its container. */
    private void watchdogKilledTooThenTheNextSweepRemovesTheContainer(Class<?> fixture) throws Exception {
        Path state = temp.resolve("state");
        String id = null;
        try (CrashJvm first = CrashJvm.start(fixture, temp.resolve("first"), state)) {
            CrashJvm.Ready ready = first.awaitReady(READY);
            id = ready.containerId();
            ProcessHandle.of(ready.watchdogPid()).orElseThrow().destroyForcibly();
            awaitTrue(() -> !OwnProcesses.isAlive(ready.watchdogPid()), Duration.ofSeconds(5), () -> "watchdog killed");
            first.process().destroyForcibly();
            first.process().waitFor();
            Thread.sleep(500);
            assertThat(exists(id)).describedAs("left by a JVM killed together with its watchdog").isTrue();

            try (CrashJvm next = CrashJvm.start(QuickCases.class, temp.resolve("next"), state)) {
                assertThat(next.awaitExit(READY)).describedAs(next.output()).isZero();
                // container mode registers its container before it exists, by a label of its start
                assertThat(next.output()).contains("swept 1 ledger entries", "removed containers ["
                        + (fixture == ContainerModeCases.class ? "label=dev.managedbackend.start=" : id + "]"));
            }
            assertThat(exists(id)).describedAs("removed by the next JVM's sweep").isFalse();
            assertThat(ledger(state)).isEmpty();
        } finally {
            if (id != null) {
                docker("rm", "-f", id);
            }
        }
    }

    private static boolean exists(String id) {
        return docker("ps", "-aq", "--no-trunc", "--filter", "id=" + id).isPresent();
    }

    /** Runs the docker CLI; its output, or empty if it printed nothing or failed. */
    static Optional<String> docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process docker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!docker.waitFor(60, TimeUnit.SECONDS)) {
                docker.destroyForcibly();
                return Optional.empty();
            }
            return docker.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @ManagedBackend(image = SAMPLE_IMAGE)
    static class ContainerModeCases {
        @Test
        void serve(Backend backend) throws Exception {
            CrashJvm.readyContainer(backend.containerId().orElseThrow(), backend.port());
            Thread.sleep(120_000);
        }
    }

    /** Starts a container with the docker CLI and registers it with the crash guard directly; then waits. */
    static class ContainerCases {
        @Test
        void serve() throws Exception {
            String id = docker("run", "-d", "--label", "dev.managedbackend.owner=" + ProcessHandle.current().pid()
                    + ":crash-test", IMAGE, "sleep", "300").orElseThrow();
            Settings settings = Settings.from(new Config(key -> Optional.ofNullable(System.getProperty(key))));
            CrashGuard.get(settings.stateDir(), settings.logDir()).watchContainer(id);
            CrashJvm.readyContainer(id, 0);
            Thread.sleep(120_000);
        }
    }
}
