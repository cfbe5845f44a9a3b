package dev.managedbackend;

import static dev.managedbackend.CrashTeardownTests.ledger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.internal.container.ContainerLauncher;

/**
 * Two CI jobs on one Docker engine, as users run them: each job's test JVM in a pid namespace
 * of its own ({@code unshare --pid --fork --mount-proc}), so both are pid 2, each with its own
 * state folder, both starting an {@code image} backend and a {@code dockerfile} one on the
 * host's engine. One job's JVM is SIGKILLed, the other ends normally: each removes only what it
 * made. Before the identity, both labelled their containers {@code start=2-1} and named their
 * images {@code <dir>:2-1}, and the killed job's watchdog removed the other's containers.
 * Needs root (for the namespaces), a Docker engine and the images the set-up makes.
 */
@EnabledIf("rootWithUnshareAndImages")
class SharedEngineTests {

    private static final Duration READY = Duration.ofSeconds(120);
    private static final Duration CLEANED_UP = Duration.ofSeconds(30);

    static boolean rootWithUnshareAndImages() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"))
                && CrashContainerTests.dockerWithImages();
    }

    @Test
    void eachJobRemovesOnlyWhatItMadeWhenOneIsKilledAndTheOtherEndsNormally(@TempDir Path temp) throws Exception {
        List<String> made = new ArrayList<>();
        try (CrashJvm killed = Job.start(temp.resolve("job-a")); CrashJvm ending = Job.start(temp.resolve("job-b"))) {
            Job a = Job.ready(killed, temp.resolve("job-a"));
            Job b = Job.ready(ending, temp.resolve("job-b"));
            made.addAll(a.all());
            made.addAll(b.all());
            assertThat(a.jvmPid).describedAs("the test JVM's pid in each job's namespace").isEqualTo(b.jvmPid);
            assertThat(a.image).describedAs("the images the two jobs built").isNotEqualTo(b.image);
            assertThat(startLabels(a)).doesNotContainAnyElementsOf(startLabels(b));
            // job b's first build swept the engine for leftover images: job a's, of another pid namespace, stays
            assertThat(imageExists(a.image)).describedAs("job a's image after job b's build").isTrue();

            long sigkill = System.nanoTime();
            a.jvm().destroyForcibly();
            await().atMost(CLEANED_UP).pollInterval(Duration.ofMillis(50)).until(() -> a.containers.stream()
                    .noneMatch(DockerCli::exists) && !imageExists(a.image));
            long cleanedUp = Duration.ofNanos(System.nanoTime() - sigkill).toMillis();
            System.out.printf("[shared engine] job a SIGKILLed: its 2 containers and its built image removed %d ms "
                    + "later, job b's left alone%n", cleanedUp);

            assertThat(b.containers).describedAs("job b's containers, after job a's JVM was killed; job a's "
                    + "watchdog said:%n%s", watchdogLogs(a)).allMatch(SharedEngineTests::running);
            assertThat(imageExists(b.image)).describedAs("job b's image").isTrue();
            await().atMost(CLEANED_UP).until(() -> ledger(a.state).isEmpty());
            Path logs = a.dir.resolve("logs").resolve("watchdog");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logs)))
                    .describedAs("the watchdog's log folder").isEqualTo("rwx------");
            assertThat(watchdogLogs(a)).describedAs("job a's watchdog log").contains("removed image " + a.image);

            Files.writeString(b.dir.resolve("end"), "");
            ProcessHandle jvmB = b.jvm();
            jvmB.onExit().get(2, java.util.concurrent.TimeUnit.MINUTES);
            assertThat(jvmB.isAlive()).describedAs(ending.output()).isFalse();
            assertThat(ending.output()).describedAs("job b's output: its JUnit run ended and stopped both")
                    .contains("backend 'image' stopped", "backend 'built' stopped");
            assertThat(b.containers).describedAs("job b's containers after its normal end").noneMatch(DockerCli::exists);
            assertThat(imageExists(b.image)).describedAs("job b's image after its normal end").isFalse();
            assertThat(ledger(b.state)).isEmpty();
        } finally {
            made.forEach(id -> CrashContainerTests.docker("rm", "-f", "-v", id));
        }
    }

    private static String watchdogLogs(Job job) {
        try (Stream<Path> files = Files.list(job.dir.resolve("logs").resolve("watchdog"))) {
            return files.map(SharedEngineTests::read).reduce("", String::concat);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> startLabels(Job job) {
        return job.containers.stream().map(id -> DockerCli.inspect("{{index .Config.Labels \""
                + ContainerLauncher.START_LABEL + "\"}}", id)).toList();
    }

    private static boolean running(String id) {
        return DockerCli.exists(id) && DockerCli.inspect("{{.State.Running}}", id).equals("true");
    }

    private static boolean imageExists(String image) {
        return CrashContainerTests.docker("image", "inspect", "--format", "{{.Id}}", image).isPresent();
    }

    /** One CI job: a test JVM in a pid namespace of its own, its state folder and what it made. */
    private record Job(CrashJvm handle, Path dir, Path state, long jvmPid, List<String> containers, String image) {

        /** Starts a job; its namespace outlives its JVM by a while, so that the JVM's watchdog can act. */
        static CrashJvm start(Path dir) {
            return CrashJvm.start(JobCases.class, dir, dir.resolve("state"), Map.of(),
                    List.of("/usr/bin/unshare", "--pid", "--mount-proc", "--kill-child", "/bin/sh", "-c",
                            "\"$@\"; sleep 30", "job"),
                    ContainerModeTests.buildArgs().entrySet().stream()
                            .map(entry -> "-D" + entry.getKey() + "=" + entry.getValue()).toArray(String[]::new));
        }

        static Job ready(CrashJvm jvm, Path dir) throws Exception {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            List<String> ids = List.of(ready.containerId().split(","));
            return new Job(jvm, dir, dir.resolve("state"), ready.jvmPid(), ids,
                    DockerCli.inspect("{{.Config.Image}}", ids.get(1)));
        }

        /** The test JVM, as this (the host's) pid namespace sees it: the java process under unshare and sh. */
        ProcessHandle jvm() {
            return handle.process().descendants().filter(p -> p.info().command().orElse("").endsWith("/java"))
                    .findFirst().orElseThrow(() -> new AssertionError("no java process in the job; " + output()));
        }

        private String output() {
            try {
                return handle.output();
            } catch (java.io.IOException e) {
                return e.toString();
            }
        }

        List<String> all() {
            return containers;
        }
    }

    /** A job's tests: an image backend and a Dockerfile backend, reported, then running until told to end. */
    @ManagedBackend(name = "image", image = "sample-fastapi:dev")
    @ManagedBackend(name = "built", dockerfile = ContainerModeTests.DOCKERFILE)
    static class JobCases {
        @Test
        void serve(Backends backends) throws Exception {
            CrashJvm.readyContainer(backends.get("image").containerId().orElseThrow() + ","
                    + backends.get("built").containerId().orElseThrow(), 0);
            Path end = CrashJvm.folder().resolve("end");
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(end));
        }
    }
}
