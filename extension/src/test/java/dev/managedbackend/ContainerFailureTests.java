package dev.managedbackend;

import static dev.managedbackend.ContainerModeTests.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Every way a container start can fail, each on a real engine (or a real absence of one): the
 * message names what was asked, what happened and the fix, ends with the container's output
 * where there was one, and no container of the failed start is left.
 */
class ContainerFailureTests {

    static final long JVM = ProcessHandle.current().pid();

    /**
     * The startup timeout of the fixtures that must fail "at once". A failure before it proves the cause
     * was recognised rather than waited out; how much sooner depends on the machine's load, so no test
     * asserts on that.
     */
    static final int NOT_WAITED_OUT = 180;

    @Test
    void anImageThatIsNeitherLocalNorPullableFailsAtOnce() {
        long started = System.nanoTime();
        Throwable failure = TestKit.classFailure(TestKit.run(MissingImageCases.class), MissingImageCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).startsWith("backend 'default': image = \"managed-backend-test/no-such-image:1\" "
                + "is not in the Docker engine and could not be pulled: ")
                .endsWith(". Check the name, build it first (docker build -t managed-backend-test/no-such-image:1 ...), "
                        + "or use dockerfile = \"path/to/Dockerfile\" to let the extension build it.");
        assertNotWaitedOut(started);
        assertThat(DockerCli.containersOf(JVM, "default")).isEmpty();
    }

    @Test
    void aDockerfileWhoseBaseImageCannotBePulledFailsAtOnce() {
        long started = System.nanoTime();
        Throwable failure = TestKit.classFailure(TestKit.run(UnpullableBaseCases.class), UnpullableBaseCases.class);

        Path dockerfile = Path.of("src/test/docker/unpullable-base/Dockerfile").toAbsolutePath();
        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).startsWith("backend 'default': dockerfile = \"" + dockerfile + "\" builds on "
                + "managed-backend-test/no-such-base:1 (FROM ${BASE_IMAGE}), which is not in the Docker engine and "
                + "could not be pulled: ")
                .endsWith(". Pull or build it first. If a base image cannot be pulled here, let the Dockerfile take it "
                        + "from a build argument (ARG BASE_IMAGE=...; FROM ${BASE_IMAGE}) and set it with "
                        + "-Dmanagedbackend.container.buildArgs=BASE_IMAGE=an-image-you-have (build arguments now: none).");
        assertNotWaitedOut(started);
    }

    @Test
    void aMissingDockerfileIsAConfigurationError() {
        Throwable failure = TestKit.classFailure(TestKit.run(MissingDockerfileCases.class), MissingDockerfileCases.class);

        Path resolved = Path.of("src/test/docker/nowhere/Dockerfile").toAbsolutePath();
        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessage(
                "@ManagedBackend(name = \"default\") on " + MissingDockerfileCases.class.getName()
                        + ": dockerfile = \"src/test/docker/nowhere/Dockerfile\" is not a file (resolved to " + resolved
                        + " from the working directory " + Path.of("").toAbsolutePath() + "). Set dockerfile to the "
                        + "Dockerfile's path, relative to the test JVM's working directory or absolute; its folder "
                        + "is the build context.");
    }

    @Test
    void aContainerThatExitsAtOnceReportsItsExitCodeAndOutput() {
        Throwable failure = TestKit.classFailure(TestKit.run(ExitsAtOnceCases.class), ExitsAtOnceCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).matches("(?s)backend 'quick' \\(image sample-fastapi:dev\\) \\(container "
                + "[0-9a-f]{12}\\) exited with code 3 before it was ready, \\d+ ms after it started\\. The container "
                + "was removed; its output is in the log below\\. Check the image's command \\(args = \\[sh, -c, "
                + "echo 'config error: DATABASE_URL is not set' >&2; exit 3\\]\\) and env\\.\\R"
                + "Log /\\S+/ContainerFailureTests_ExitsAtOnceCases-quick-[0-9a-f]{16}\\.log, last lines:\\R.*"
                + "  \\| config error: DATABASE_URL is not set\\R.*");
        assertThat(DockerCli.containersOf(JVM, "quick")).isEmpty();
    }

    @Test
    void aContainerThatExitsWhileStartingReportsItsExitCodeAndOutput() {
        Throwable failure = TestKit.classFailure(TestKit.run(ExitsLaterCases.class), ExitsLaterCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).matches("(?s)backend 'slow' \\(image sample-fastapi:dev\\) \\(container "
                + "[0-9a-f]{12}\\) exited with code 4 before it was ready, \\d+ ms after it started\\..*"
                + "  \\| connecting to the database\\R.*  \\| fatal: database unreachable.*");
        assertThat(DockerCli.containersOf(JVM, "slow")).isEmpty();
    }

    @Test
    void aCommandDockerCannotRunFailsWithDockersReason() {
        Throwable failure = TestKit.classFailure(TestKit.run(NotStartableCases.class), NotStartableCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).matches("(?s)backend 'default' \\(image sample-fastapi:dev\\): Docker could not "
                + "start the container: .*no-such-server.*\\. Check the image's command \\(args = \\[no-such-server, "
                + "--port, 8000\\]\\) and env\\.\\RLog /\\S+\\.log, last lines:\\R.*");
        assertThat(DockerCli.containersOf(JVM, "default")).isEmpty();
    }

    @Test
    void aHealthCheckThatNeverPassesTimesOutWithTheLastAnswer() {
        // startupTimeoutSeconds covers the build too: from Docker's cache it takes well under a second (when idle)
        DockerCli.run("build", "-q", "-t", "managed-backend-test/unhealthy-warm:1", "src/test/docker/unhealthy");
        // and Testcontainers' preparation, once per JVM, whose time is the machine's (over 3 s under
        // load): a start that fails as soon as Docker answers gets it done first
        assertThat(TestKit.classFailure(TestKit.run(MissingImageCases.class), MissingImageCases.class))
                .hasMessageContaining("could not be pulled");
        EngineExecutionResults results;
        try {
            results = TestKit.run(UnhealthyCases.class);
        } finally {
            DockerCli.run("rmi", "managed-backend-test/unhealthy-warm:1");
        }
        Throwable failure = TestKit.classFailure(results, UnhealthyCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).matches("(?s)backend 'default' \\(dockerfile /\\S+/src/test/docker/unhealthy/"
                + "Dockerfile\\) \\(container [0-9a-f]{12}, http://127\\.0\\.0\\.1:\\d+\\) was not ready within 15 s: "
                + "GET http://127\\.0\\.0\\.1:\\d+/health last answered HTTP 500 \\{\"status\":\"database unreachable\"\\}\\. "
                + "The container was stopped and removed\\. Check that GET /health answers 2xx once the app is up "
                + "\\(healthPath\\), and that the app listens on containerPort 8000 on all interfaces \\(0\\.0\\.0\\.0\\) "
                + "inside the container, or raise startupTimeoutSeconds if it needs longer\\.\\R"
                + "Log /\\S+\\.log, last lines:\\R.*\"GET /health HTTP/1\\.1\" 500 Internal Server Error.*");
        assertThat(DockerCli.containersOf(JVM, "default")).isEmpty();
    }

    @Test
    void aHealthPathThatAnswers404FailsWithinSecondsSayingThePathIsProbablyWrong() {
        long started = System.nanoTime();
        Throwable failure = TestKit.classFailure(TestKit.run(HealthPathTypoCases.class), HealthPathTypoCases.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).matches("(?s)backend 'default' \\(image sample-fastapi:dev\\) \\(container "
                + "[0-9a-f]{12}\\) answered GET http://127\\.0\\.0\\.1:\\d+/helth with HTTP 404 for 3 s after its port "
                + "began to listen: healthPath = \"/helth\" is probably wrong\\. The app's /openapi\\.json lists GET "
                + "/health, .*\\. Set healthPath to a path that answers 2xx once the app is ready, or to \"\" to wait "
                + "only until the port listens\\. The container was stopped and removed\\.\\R"
                + "Log /\\S+\\.log, last lines:\\R.*");
        assertThat(took).describedAs("time to fail").isLessThan(Duration.ofSeconds(NOT_WAITED_OUT));
        assertThat(DockerCli.containersOf(JVM, "default")).isEmpty();
    }

    @Test
    void aDockerfileThatDoesNotBuildNamesTheFailedStep() {
        List<String> stoppedBefore = stoppedContainers();
        Throwable failure = TestKit.classFailure(TestKit.run(BrokenBuildCases.class), BrokenBuildCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).matches("backend 'default': docker build of dockerfile = \"/\\S+/src/test/"
                + "docker/broken-build/Dockerfile\" \\(no build arguments\\) failed: Could not build image: The command "
                + "'/bin/sh -c echo \"installing the app's dependencies\" && exit 7' returned a non-zero code: 7\\. "
                + "Run the same build by hand to see every step: docker build -f /\\S+/Dockerfile /\\S+/broken-build\\.");
        assertThat(stoppedContainers()).describedAs("containers of failed build steps").isEqualTo(stoppedBefore);
    }

    /**
     * Stopped containers that ran the broken build's failing step: only those, since other
     * builds on a shared engine stop containers of their own meanwhile.
     */
    private static List<String> stoppedContainers() {
        return DockerCli.run("ps", "-a", "--no-trunc", "--filter", "status=exited", "--filter", "status=created",
                "--format", "{{.ID}} {{.Command}}").stream()
                .filter(line -> line.contains("installing the app's dependencies")).toList();
    }

    /**
     * No engine: a child JVM in its own mount namespace, where the engine's socket is hidden and
     * DOCKER_HOST points at a socket that nothing listens on. The start fails within seconds with a
     * message that says so; with the opt-in key, the tests are skipped instead.
     */
    @Test
    void withoutAnEngineTheStartFailsFastOrSkipsWhereAskedTo(@TempDir Path temp) throws Exception {
        // never skipped: a skip would count as a pass where the test cannot run
        assertThat(canHideTheEngine()).describedAs("root and unshare, to hide the Docker socket from a child JVM")
                .isTrue();
        Path closedSocket = temp.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(closedSocket)); // bound, then closed: connections are refused
        }
        IsolatedRun child = new IsolatedRun(System.getProperty("java.class.path"), temp,
                List.of("-Duser.home=" + temp)) // no ~/.testcontainers.properties, no ~/.docker sockets
                .wrappedIn(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                        "mount -t tmpfs tmpfs /run && { [ -L /var/run ] || mount -t tmpfs tmpfs /var/run; } "
                                + "&& exec \"$@\"", "sh"))
                .env("DOCKER_HOST", "unix://" + closedSocket);

        child.run(NoEngineCases.class.getName(), NoEngineSkippedCases.class.getName() + "?"
                + ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME + "=true");

        IsolatedRun.Outcome failed = child.outcome(NoEngineCases.class);
        assertThat(failed.status()).describedAs(child.output()).isEqualTo("FAILED");
        assertThat(failed.exception()).isEqualTo(BackendStartException.class.getName());
        assertThat(failed.message()).startsWith("backend 'default' (image sample-fastapi:dev) needs a Docker engine, "
                + "and none is reachable. Testcontainers found no Docker engine that answers (DOCKER_HOST = unix://"
                + closedSocket + "; it also looks at ~/.testcontainers.properties and the local socket "
                + "/var/run/docker.sock): ")
                .endsWith(". Start Docker, or point DOCKER_HOST at a running engine. Where these tests may run without "
                        + "Docker, set managedbackend.container.skipWithoutDocker=true (junit-platform.properties or -D) "
                        + "to skip them instead of failing.");
        FailureGalleryTests.assertGalleryShows("needs a Docker engine, and none is reachable", failed.exception(),
                failed.message());
        // the fixture's timeout is the default 60 s: failing before it means the missing engine was recognised
        assertThat(Duration.ofMillis(failed.millis())).describedAs("time to fail").isLessThan(Duration.ofSeconds(60));

        IsolatedRun.Outcome skipped = child.outcome(NoEngineSkippedCases.class);
        assertThat(skipped.status()).isEqualTo("ABORTED");
        assertThat(skipped.exception()).isEqualTo("org.opentest4j.TestAbortedException");
        assertThat(skipped.message()).startsWith("backend 'default' (image sample-fastapi:dev) needs a Docker engine; "
                + "skipped because managedbackend.container.skipWithoutDocker = true. Testcontainers found no Docker "
                + "engine that answers");
        assertThat(Duration.ofMillis(skipped.millis())).describedAs("time to skip").isLessThan(Duration.ofSeconds(60));
    }

    /**
     * Testcontainers is optional: on a classpath without it, process mode works and loads no
     * container code at all, and container mode says which dependency to add.
     */
    @Test
    void withoutTestcontainersProcessModeWorksAndContainerModeSaysWhatToAdd(@TempDir Path temp) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("testcontainers-"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path"));
        IsolatedRun child = new IsolatedRun(classPath, temp, List.of("-verbose:class"));

        child.run(ProcessModeCases.class.getName(), ContainerModeCases.class.getName());

        String output = child.output();
        IsolatedRun.Outcome processMode = child.outcome(ProcessModeCases.class);
        assertThat(processMode.status()).describedAs(output).isEqualTo("SUCCESSFUL");
        assertThat(processMode.testsSucceeded()).isEqualTo(1);
        assertThat(output.lines().filter(line -> line.contains("org.testcontainers.")
                || line.contains("dev.managedbackend.internal.container.")))
                .describedAs("classes of Testcontainers or of container mode loaded").isEmpty();
        IsolatedRun.Outcome containerMode = child.outcome(ContainerModeCases.class);
        assertThat(containerMode.status()).isEqualTo("FAILED");
        assertThat(containerMode.exception()).isEqualTo(ExtensionConfigurationException.class.getName());
        assertThat(containerMode.message()).isEqualTo("backend 'default' (image sample-fastapi:dev): container mode "
                + "(image) runs through Testcontainers, which is not on the test classpath. Add the test dependency "
                + "org.testcontainers:testcontainers (2.0.x), e.g. in Maven: <dependency><groupId>org.testcontainers"
                + "</groupId><artifactId>testcontainers</artifactId><version>2.0.5</version><scope>test</scope>"
                + "</dependency>.");
    }

    private static boolean canHideTheEngine() {
        try {
            Process unshare = new ProcessBuilder("unshare", "--mount", "true").redirectErrorStream(true).start();
            unshare.getInputStream().readAllBytes();
            return unshare.waitFor() == 0 && Files.isDirectory(Path.of("/run"));
        } catch (Exception e) {
            return false;
        }
    }

    private static void assertNotWaitedOut(long started) {
        assertThat(Duration.ofNanos(System.nanoTime() - started)).describedAs("time to fail")
                .isLessThan(Duration.ofSeconds(NOT_WAITED_OUT));
    }

    @ManagedBackend(image = "managed-backend-test/no-such-image:1", startupTimeoutSeconds = NOT_WAITED_OUT)
    static class MissingImageCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(dockerfile = "src/test/docker/unpullable-base/Dockerfile", startupTimeoutSeconds = NOT_WAITED_OUT)
    static class UnpullableBaseCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(dockerfile = "src/test/docker/nowhere/Dockerfile")
    static class MissingDockerfileCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(name = "quick", image = IMAGE, args = {"sh", "-c", "echo 'config error: DATABASE_URL is not set' >&2; exit 3"})
    static class ExitsAtOnceCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(name = "slow", image = IMAGE, args = {"sh", "-c",
            "echo 'connecting to the database'; sleep 1; echo 'fatal: database unreachable' >&2; exit 4"})
    static class ExitsLaterCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(image = IMAGE, args = {"no-such-server", "--port", "8000"})
    static class NotStartableCases {
        @Test
        void never() {
        }
    }

    // The health check never passes, so any bound ends in it; 15 s leaves room for the steps before
    // it (the build, the container's creation), whose time is the machine's: 3 s was not enough under load.
    @ManagedBackend(dockerfile = "src/test/docker/unhealthy/Dockerfile", startupTimeoutSeconds = 15)
    static class UnhealthyCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(image = IMAGE, healthPath = "/helth", startupTimeoutSeconds = NOT_WAITED_OUT)
    static class HealthPathTypoCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(dockerfile = "src/test/docker/broken-build/Dockerfile")
    static class BrokenBuildCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(image = IMAGE)
    static class NoEngineCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(image = IMAGE)
    static class NoEngineSkippedCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(dir = TestKit.DIR, app = "apps.hello:app")
    static class ProcessModeCases {
        @Test
        void answers(@dev.managedbackend.BackendUrl String url) {
            assertThat(Http.get(url + "/health").status()).isEqualTo(200);
        }
    }

    @ManagedBackend(image = IMAGE)
    static class ContainerModeCases {
        @Test
        void never() {
        }
    }
}
