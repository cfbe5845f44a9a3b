package dev.managedbackend;

import static dev.managedbackend.CrashTeardownTests.ledger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * An engine that accepts connections and never answers (one that hung, a Docker-in-Docker
 * service half gone): {@code socat} listening on a unix socket, each connection handed to a
 * {@code sleep}, and {@code DOCKER_HOST} pointing at it. Every call to it is bounded: a
 * process-mode start never waits on it, the sweep keeps the entries of its containers and says
 * which engine and why, once; a container start on it fails within its
 * {@code startupTimeoutSeconds}, naming it. Needs {@code socat} (the set-up installs it); fails
 * without it under CI, is skipped elsewhere.
 */
class HungEngineTests {

    private static final Path SOCAT = Path.of("/usr/bin/socat");

    @TempDir
    Path temp;

    private Process socat;
    private Path socket;

    @BeforeEach
    void startAnEngineThatNeverAnswers() throws IOException {
        if (!Files.isExecutable(SOCAT)) {
            String why = "socat is not installed (apt-get install -y socat); it plays an engine that never answers";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        socket = temp.resolve("hung.sock");
        socat = new ProcessBuilder(SOCAT.toString(), "UNIX-LISTEN:" + socket + ",fork", "EXEC:sleep 600")
                .redirectErrorStream(true).redirectOutput(temp.resolve("socat.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
    }

    @AfterEach
    void stopIt() {
        if (socat != null) {
            socat.descendants().forEach(ProcessHandle::destroyForcibly); // the sleeps that hold connections
            socat.destroyForcibly();
        }
    }

    /**
     * The ledger names two containers of a dead JVM on the hung engine. The next JVM's first
     * backend, a process-mode one, is ready while the sweep still waits on that engine; the sweep
     * keeps both entries and says so once, naming the engine and why.
     */
    @Test
    void aProcessModeStartNeverWaitsOnAHungEngineWhoseEntriesAreKept() throws Exception {
        Path state = temp.resolve("state");
        String engine = "unix://" + socket;
        Path first = deadJvmsContainer(state, "0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef", engine);
        Path second = deadJvmsContainer(state, "ba9876543210ba9876543210ba9876543210ba9876543210ba98765432101234", engine);
        IsolatedRun child = new IsolatedRun(ChildJvm.classPathWithLogging(), temp.resolve("child"),
                List.of("-D" + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=" + state));
        Files.createDirectories(temp.resolve("child"));

        long started = System.nanoTime();
        int exit = child.run(StartWhileTheEngineHangsCases.class.getName());
        long exited = Duration.ofNanos(System.nanoTime() - started).toMillis();

        String output = child.output();
        IsolatedRun.Outcome outcome = child.outcome(StartWhileTheEngineHangsCases.class);
        assertThat(exit).describedAs(output).isZero();
        assertThat(outcome.status()).describedAs("the process-mode start, made while the sweep of the hung "
                + "engine's containers was still under way: %s; output:%n%s", outcome, output).isEqualTo("SUCCESSFUL");
        Matcher warnings = Pattern.compile("the Docker engine " + Pattern.quote(engine) + " could not be used")
                .matcher(output);
        assertThat(warnings.results().count()).describedAs("warnings naming the hung engine; output:%n%s", output)
                .isEqualTo(1);
        assertThat(output).contains("got no answer within", "Kept the ledger entries of its 2 container(s)");
        assertThat(ledger(state)).describedAs("the entries of the hung engine's containers")
                .containsExactlyInAnyOrder(first, second);
        System.out.printf("[hung engine] process-mode start with a hung engine in the ledger: test class done in "
                + "%d ms; the JVM's exit waited for the bounded sweep, %d ms in all%n", outcome.millis(), exited);
    }

    /** Container mode on the hung engine: the start fails within its bound, and the message names the engine. */
    @Test
    void aContainerStartOnAHungEngineFailsWithinItsBoundNamingTheEngine() throws Exception {
        IsolatedRun child = new IsolatedRun(System.getProperty("java.class.path"), temp.resolve("child"),
                List.of("-D" + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=" + temp.resolve("state")))
                .env("DOCKER_HOST", "unix://" + socket)
                // only the engine DOCKER_HOST names, as on a CI runner whose one engine is that service
                .env("TESTCONTAINERS_DOCKER_CLIENT_STRATEGY",
                        "org.testcontainers.dockerclient.EnvironmentAndSystemPropertyClientProviderStrategy");
        Files.createDirectories(temp.resolve("child"));

        child.run(ContainerOnTheHungEngineCases.class.getName());

        IsolatedRun.Outcome outcome = child.outcome(ContainerOnTheHungEngineCases.class);
        assertThat(outcome.status()).describedAs(child.output()).isEqualTo("FAILED");
        assertThat(outcome.exception()).isEqualTo(BackendStartException.class.getName());
        assertThat(outcome.message()).describedAs("the failure names the engine").contains("unix://" + socket);
        assertThat(Duration.ofMillis(outcome.millis())).describedAs("time the start took to fail; %s", outcome)
                .isLessThan(ContainerTimeoutTests.BOUND.plus(ContainerTimeoutTests.TOLERANCE));
        System.out.printf("[hung engine] container start on a hung engine: failed after %d ms "
                + "(startupTimeoutSeconds %d): %s%n", outcome.millis(), ContainerTimeoutTests.BOUND.toSeconds(),
                outcome.message());
    }

    /**
     * The engine hangs after the container started (the child JVM reaches the real engine through
     * a forwarding socket, which is then swapped for one that never answers): the normal stop
     * gives up after its grace period and the bound, names the engine, and the container keeps
     * its ledger entry; the JVM's exit is not held.
     */
    @Test
    void aNormalStopOnAnEngineThatHungAfterTheStartIsBounded() throws Exception {
        Path proxy = temp.resolve("proxy.sock");
        Process forwarding = new ProcessBuilder(SOCAT.toString(), "UNIX-LISTEN:" + proxy + ",fork",
                "UNIX-CONNECT:/var/run/docker.sock").redirectErrorStream(true)
                .redirectOutput(temp.resolve("forwarding.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(proxy));
        Path dir = Files.createDirectories(temp.resolve("child"));
        Path state = temp.resolve("state");
        IsolatedRun child = new IsolatedRun(ChildJvm.classPathWithLogging(), dir, List.of(
                "-D" + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=" + state, "-Dmanagedbackend.stopTimeoutSeconds=1"))
                .env("DOCKER_HOST", "unix://" + proxy)
                .env("TESTCONTAINERS_DOCKER_CLIENT_STRATEGY",
                        "org.testcontainers.dockerclient.EnvironmentAndSystemPropertyClientProviderStrategy");
        String containerId = null;
        try {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return child.run(StopOnAHungEngineCases.class.getName());
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Path ready = dir.resolve("container");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(ready) || run.isDone());
            assertThat(ready).describedAs("the child's container; output:%n%s", child.output()).exists();
            containerId = Files.readString(ready).strip();
            // the engine hangs: the forwarding socket and its connections go, one that never answers takes its place
            forwarding.descendants().forEach(ProcessHandle::destroyForcibly);
            forwarding.destroyForcibly().waitFor();
            Files.deleteIfExists(proxy);
            Process hung = new ProcessBuilder(SOCAT.toString(), "UNIX-LISTEN:" + proxy + ",fork", "EXEC:sleep 600")
                    .redirectErrorStream(true).redirectOutput(temp.resolve("hung.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(proxy));
                Files.writeString(dir.resolve("hung"), "");

                long stopping = System.nanoTime();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                        .until(() -> child.output().contains("did not stop and remove container"));
                long gaveUp = Duration.ofNanos(System.nanoTime() - stopping).toMillis();

                // the warning comes before the class ends: its outcome is written a moment later
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> child.outcome(StopOnAHungEngineCases.class));
                String output = child.output();
                assertThat(child.outcome(StopOnAHungEngineCases.class).status()).describedAs(output)
                        .isEqualTo("SUCCESSFUL");
                assertThat(output).contains("the Docker engine unix://" + proxy + " did not stop and remove container "
                        + containerId + " within 21 s", "its crash-ledger entry stays");
                assertThat(CrashContainerTests.docker("ps", "-aq", "--no-trunc", "--filter", "id=" + containerId))
                        .describedAs("the container, left for the next sweep").isPresent();
                assertThat(ledger(state)).describedAs("its ledger entry").hasSize(1);
                System.out.printf("[hung engine] normal stop on an engine that hung after the start: given up %d ms "
                        + "after the test ended (bound: stopTimeoutSeconds 1 + 20 s)%n", gaveUp);
                // Testcontainers' own exit hook (Ryuk disabled) then asks the engine without a bound: not ours to wait for
                ProcessHandle.of(child.pid()).ifPresent(ProcessHandle::destroyForcibly);
                run.handle((code, failure) -> code).get(30, TimeUnit.SECONDS);
            } finally {
                hung.descendants().forEach(ProcessHandle::destroyForcibly);
                hung.destroyForcibly();
            }
        } finally {
            forwarding.destroyForcibly();
            if (containerId != null) {
                CrashContainerTests.docker("rm", "-f", "-v", containerId);
            }
        }
    }

    /** A ledger entry of a dead test JVM for a container on {@code engine}. */
    private static Path deadJvmsContainer(Path state, String containerId, String engine) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String owner = new JvmIdentity.Self(ProcessIdentity.boot(), JvmIdentity.pidNamespace(), gone.pid(), 12345,
                "5eed").toString();
        Path dir = Files.createDirectories(state.resolve("ledger"));
        Properties p = new Properties();
        p.setProperty("owner", owner);
        p.setProperty("name", "container");
        p.setProperty("container", containerId);
        p.setProperty("dockerHost", engine);
        Path entry = dir.resolve(owner + "-" + containerId.substring(0, 4) + ".entry");
        try (var out = Files.newBufferedWriter(entry)) {
            p.store(out, null);
        }
        return entry;
    }

    /** The first backend of its JVM: ready while the sweep of containers still waits on the engine. */
    @ManagedBackend(app = "apps.hello:app", dir = TestKit.DIR)
    static class StartWhileTheEngineHangsCases {
        @Test
        void readyWhileTheEngineIsStillAsked(Backend backend) {
            assertThat(backend.isRunning()).isTrue();
            assertThat(Thread.getAllStackTraces().keySet()).describedAs("threads when the backend was ready")
                    .anyMatch(thread -> thread.getName().equals("managed-backend sweep of containers") && thread.isAlive());
        }
    }

    /** Reports its container, then waits until the parent has made the engine hang. */
    @ManagedBackend(image = "sample-fastapi:dev")
    static class StopOnAHungEngineCases {
        @Test
        void serve(Backend backend) throws IOException {
            Path dir = IsolatedRun.directory();
            Path partial = Files.writeString(dir.resolve("container.partial"), backend.containerId().orElseThrow());
            Files.move(partial, dir.resolve("container"));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Files.exists(dir.resolve("hung")));
        }
    }

    @ManagedBackend(image = "sample-fastapi:dev", startupTimeoutSeconds = 5)
    static class ContainerOnTheHungEngineCases {
        @Test
        void start(Backend backend) {
            fail("started on an engine that never answers: " + backend);
        }
    }
}
