package dev.managedbackend;

import static dev.managedbackend.ContainerModeTests.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.internal.container.ContainerLauncher;

/**
 * {@code startupTimeoutSeconds} bounds the whole container start, not just readiness: each start
 * here would block for minutes without it, on a real engine and with nothing mocked. Each runs in
 * a child JVM, which fails within the bound with a message naming the step it was at and the fix,
 * and leaves no container, network or image behind once it has exited. Each test controls how long
 * the step it names takes (a registry or an engine relay of its own that holds back, a build step
 * that sleeps), never a step whose time depends on the machine or its network: Testcontainers'
 * preparation (finding the engine) is done by a first start in the child ({@link PreparedCases})
 * before the bounded one, or, for Ryuk, which is part of that preparation, given a bound that
 * leaves room for the steps before it.
 */
class ContainerTimeoutTests {

    /** The {@code startupTimeoutSeconds} of the fixtures. */
    static final Duration BOUND = Duration.ofSeconds(5);
    /**
     * What a start may take beyond its bound before the test calls it a hang. The message proves which
     * bound caught the start; this limit only tells a bounded start from one that waits for the step it
     * was stuck in, so it is generous: a loaded machine slows the child JVM and the engine alike.
     */
    static final Duration TOLERANCE = Duration.ofSeconds(60);
    /**
     * The first Ryuk start's bound: the steps before Ryuk (finding the engine) are not the test's to
     * time, and took over 5 s on a loaded machine; Ryuk's own step, which the test holds, lasts two
     * minutes, so this bound still falls in it.
     */
    static final Duration RYUK_BOUND = Duration.ofSeconds(30);
    /** The Ryuk image the fixtures' Testcontainers is told to use, on a registry that never answers. */
    private static final String RYUK_TAG = "/testcontainers/ryuk:0.13.0";
    private static final String SLOW_BUILD = "src/test/docker/slow-build/Dockerfile";

    /**
     * The user's report: container mode with Testcontainers' reaper (Ryuk) enabled, on a machine
     * whose registry cannot serve its image, hung for minutes while Testcontainers retried the pull.
     * The test controls that step's time: the Ryuk image is named on a registry of its own that
     * accepts and never answers; the step before it, finding the engine's host address, is given
     * (TESTCONTAINERS_HOST_OVERRIDE), since how long it takes otherwise depends on the network. A
     * second start in the same JVM, while Testcontainers is still at it, is bounded as well.
     */
    @Test
    void withRyukOnARegistryThatDoesNotAnswerTheStartFailsAtItsBoundNamingRyuk(@TempDir Path temp) throws Exception {
        try (SilentServer registry = new SilentServer()) {
            String ryuk = "127.0.0.1:" + registry.port() + RYUK_TAG;
            IsolatedRun child = withoutTestcontainersVariables(new IsolatedRun(System.getProperty("java.class.path"),
                    temp, List.of()))
                    .env("TESTCONTAINERS_RYUK_CONTAINER_IMAGE", ryuk)
                    .env("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");

            long started = System.nanoTime();
            child.run(RyukCases.class.getName(), RyukAgainCases.class.getName());
            Duration whole = Duration.ofNanos(System.nanoTime() - started);

            for (Class<?> fixture : List.of(RyukCases.class, RyukAgainCases.class)) {
                IsolatedRun.Outcome outcome = child.outcome(fixture);
                String name = fixture == RyukCases.class ? "default" : "again";
                Duration bound = fixture == RyukCases.class ? RYUK_BOUND : BOUND;
                assertThat(outcome.status()).describedAs(child.output()).isEqualTo("FAILED");
                assertThat(outcome.exception()).isEqualTo(BackendStartException.class.getName());
                assertThat(outcome.message()).isEqualTo("backend '" + name + "' (image sample-fastapi:dev) was not "
                        + "started within " + bound.toSeconds() + " s (startupTimeoutSeconds): Testcontainers was still "
                        + "starting its Ryuk "
                        + "reaper (image " + ryuk + "), the container that removes its containers after the JVM is "
                        + "gone; it pulls that image first and retries a failed pull for two minutes. Where the Ryuk "
                        + "image cannot be pulled (an offline machine, a registry without it), set the environment "
                        + "variable TESTCONTAINERS_RYUK_DISABLED=true: the extension removes its containers itself; else "
                        + "pull it beforehand (docker pull " + ryuk + "), or raise startupTimeoutSeconds (it bounds the "
                        + "whole start, Testcontainers' preparation included).");
                if (fixture == RyukCases.class) { // the gallery's: Ryuk's own image, and no TESTCONTAINERS_HOST_OVERRIDE
                    FailureGalleryTests.assertGalleryShows("Testcontainers was still starting its Ryuk reaper",
                            outcome.exception(), outcome.message(), "(?<=image )[^)]+", "(?<=docker pull )[^)]+",
                            "(?<=included\\)\\.).*");
                }
                assertBounded(outcome, fixture, bound);
            }
            assertThat(registry.connections()).describedAs("connections of the engine to the Ryuk image's registry")
                    .isPositive();
            System.out.printf("[timeout] Ryuk: the two starts failed after %d and %d ms (bounds %d and %d s); the "
                    + "child JVM took %d ms%n", child.outcome(RyukCases.class).millis(),
                    child.outcome(RyukAgainCases.class).millis(), RYUK_BOUND.toSeconds(), BOUND.toSeconds(),
                    whole.toMillis());
            assertNothingLeftBy(child.pid());
        }
    }

    /**
     * A registry that accepts the connection and never answers (here a socket on 127.0.0.1): the
     * engine waits 25 s for it; the start is given up after its bound, naming the pull.
     */
    @Test
    void aPullFromARegistryThatDoesNotAnswerIsGivenUpAtTheBound(@TempDir Path temp) throws Exception {
        try (SilentServer registry = new SilentServer()) {
            String base = "127.0.0.1:" + registry.port() + "/managed-backend-test/does-not-exist:1";
            IsolatedRun child = new IsolatedRun(System.getProperty("java.class.path"), temp,
                    List.of("-D" + ManagedBackend.CONTAINER_BUILD_ARGS_PROPERTY_NAME + "=BASE_IMAGE=" + base));

            child.run(PreparedCases.class.getName(), StalledPullCases.class.getName());
            assertPrepared(child);

            IsolatedRun.Outcome outcome = child.outcome(StalledPullCases.class);
            assertThat(outcome.status()).describedAs(child.output()).isEqualTo("FAILED");
            assertThat(outcome.exception()).isEqualTo(BackendStartException.class.getName());
            Path dockerfile = Path.of("src/test/docker/unpullable-base/Dockerfile").toAbsolutePath();
            assertThat(outcome.message()).startsWith("backend 'default' (dockerfile " + dockerfile + ") was not started "
                    + "within 5 s (startupTimeoutSeconds): it was still pulling image " + base + ", the base image (FROM) "
                    + "of dockerfile = \"" + dockerfile + "\", which is not in the Docker engine. Pull it beforehand "
                    + "(docker pull " + base + ") and check that its registry answers from here. If a base image cannot "
                    + "be pulled here, let the Dockerfile take it from a build argument (ARG BASE_IMAGE=...; FROM "
                    + "${BASE_IMAGE}) and set it with -Dmanagedbackend.container.buildArgs=BASE_IMAGE=an-image-you-have "
                    + "(build arguments now: {BASE_IMAGE=" + base + "}). Or raise startupTimeoutSeconds (it bounds the "
                    + "whole start, pull and build included).")
                    .contains("[managed-backend] image " + base + " is not in the Docker engine; pulling it",
                            "[managed-backend] start given up after 5 s (startupTimeoutSeconds) while it was still "
                                    + "pulling image " + base);
            assertThat(registry.connections()).describedAs("connections of the engine to the registry").isPositive();
            assertBounded(outcome, StalledPullCases.class);
            System.out.printf("[timeout] stalled pull: failed after %d ms (bound %d s)%n", outcome.millis(),
                    BOUND.toSeconds());
            assertNothingLeftBy(child.pid());
        }
    }

    /**
     * A build step that takes a minute: the start is given up at its bound, naming the build; the
     * build ends with the JVM, and neither its step's container nor an image is left.
     */
    @Test
    void aSlowBuildIsGivenUpAtTheBoundAndLeavesNothing(@TempDir Path temp) throws Exception {
        IsolatedRun child = new IsolatedRun(System.getProperty("java.class.path"), temp,
                ContainerModeTests.buildArgs().entrySet().stream()
                        .map(entry -> "-D" + entry.getKey() + "=" + entry.getValue()).toList());

        child.run(PreparedCases.class.getName(), SlowBuildCases.class.getName());
        assertPrepared(child);

        IsolatedRun.Outcome outcome = child.outcome(SlowBuildCases.class);
        assertThat(outcome.status()).describedAs(child.output()).isEqualTo("FAILED");
        assertThat(outcome.exception()).isEqualTo(BackendStartException.class.getName());
        Path dockerfile = Path.of(SLOW_BUILD).toAbsolutePath();
        assertThat(outcome.message()).matches("(?s)backend 'default' \\(dockerfile " + dockerfile + "\\) was not "
                + "started within 5 s \\(startupTimeoutSeconds\\): it was still building dockerfile = \"" + dockerfile
                + "\" \\((no build arguments|build arguments \\{.*\\})\\)\\. The build runs once per test JVM, within "
                + "the startupTimeoutSeconds of the first backend that needs it: raise startupTimeoutSeconds, or build "
                + "the image beforehand and use image = \"\\.\\.\\.\"\\. Run the same build by hand to see which step "
                + "takes long: docker build -f " + dockerfile + " .*" + dockerfile.getParent() + "\\.\\R"
                + "Log /\\S+\\.log, last lines:\\R.*\\[managed-backend\\] building " + dockerfile + ".*");
        FailureGalleryTests.assertGalleryShows("it was still building dockerfile", outcome.exception(),
                outcome.message(), "no build arguments|build arguments \\{[^}]*\\}", "--build-arg \\S+ ");
        assertBounded(outcome, SlowBuildCases.class);
        System.out.printf("[timeout] slow build: failed after %d ms (bound %d s)%n", outcome.millis(), BOUND.toSeconds());
        assertNothingLeftBy(child.pid());
        assertThat(DockerCli.imagesBuiltBy(child.pid(), dockerfile.toString(), true))
                .describedAs("images the child built").isEmpty();
        CrashTeardownTests.awaitTrue(() -> buildStepContainers().isEmpty(), Duration.ofSeconds(15),
                () -> "the build step's container removed: " + buildStepContainers());
    }

    /**
     * An engine slow to create a container (here the local engine behind a relay on 127.0.0.1 that
     * holds each create request back for 8 s): the start is given up at its bound while Docker has
     * not created the container yet; the container is created even so, after the deadline, as the
     * JVM exits, and is found by its labels and removed before the JVM is gone.
     */
    @Test
    void aContainerCreatedAfterTheDeadlineIsRemoved(@TempDir Path temp) throws Exception {
        try (SlowCreates engine = new SlowCreates(Duration.ofSeconds(8))) {
            IsolatedRun child = new IsolatedRun(System.getProperty("java.class.path"), temp, List.of())
                    .env("DOCKER_HOST", "tcp://127.0.0.1:" + engine.port());

            child.run(PreparedCases.class.getName(), LateCreateCases.class.getName());
            assertPrepared(child);

            IsolatedRun.Outcome outcome = child.outcome(LateCreateCases.class);
            assertThat(outcome.status()).describedAs(child.output()).isEqualTo("FAILED");
            assertThat(outcome.exception()).isEqualTo(BackendStartException.class.getName());
            assertThat(outcome.message()).matches("(?s)backend 'late' \\(image sample-fastapi:dev\\) was not started "
                    + "within 5 s \\(startupTimeoutSeconds\\): Docker had not yet created and started the container of "
                    + "sample-fastapi:dev\\. Check that the engine answers \\(docker info\\) and is not overloaded, or "
                    + "raise startupTimeoutSeconds \\(it bounds the whole start\\)\\.\\R"
                    + "Log (/\\S+\\.log), last lines:\\R.*");
            assertBounded(outcome, LateCreateCases.class);
            assertThat(engine.created()).describedAs("containers the engine created, late").isEqualTo(1);
            assertNothingLeftBy(child.pid());
            Path log = Path.of(outcome.message().replaceAll("(?s).*\\RLog (/\\S+\\.log), last lines:.*", "$1"));
            assertThat(log).content().containsPattern("start given up after 5 s \\(startupTimeoutSeconds\\) while "
                    + "Docker had not yet created and started the container of sample-fastapi:dev")
                    .containsPattern("removed container \\[[0-9a-f]{12}], created by a start that failed or was given up");
            System.out.printf("[timeout] late create: failed after %d ms (bound %d s); the container created after "
                    + "the deadline was removed%n", outcome.millis(), BOUND.toSeconds());
        }
    }

    /**
     * A missing image is no wait for the bound: Docker says that it cannot be pulled, and that is
     * the message, not the bound's (which would say "was not started within 60 s").
     */
    @Test
    void aMissingImageFailsWithDockersReasonNotAtTheBound() {
        Throwable failure = TestKit.classFailure(TestKit.run(MissingImageCases.class), MissingImageCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        assertThat(failure.getMessage()).startsWith("backend 'default': image = \"managed-backend-test/does-not-exist:1\" "
                + "is not in the Docker engine and could not be pulled: ")
                .endsWith(". Check the name, build it first (docker build -t managed-backend-test/does-not-exist:1 ...), "
                        + "or use dockerfile = \"path/to/Dockerfile\" to let the extension build it.");
        assertThat(DockerCli.containersOf(ContainerFailureTests.JVM, "default")).isEmpty();
    }

    private static IsolatedRun withoutTestcontainersVariables(IsolatedRun child) {
        System.getenv().keySet().stream().filter(key -> key.startsWith("TESTCONTAINERS_"))
                .forEach(key -> child.env(key, null));
        return child;
    }

    private static void assertBounded(IsolatedRun.Outcome outcome, Class<?> fixture) {
        assertBounded(outcome, fixture, BOUND);
    }

    private static void assertBounded(IsolatedRun.Outcome outcome, Class<?> fixture, Duration bound) {
        assertThat(Duration.ofMillis(outcome.millis())).describedAs("time %s took to fail", fixture.getSimpleName())
                .isGreaterThanOrEqualTo(bound).isLessThan(bound.plus(TOLERANCE));
    }

    /**
     * Asserts that {@link PreparedCases} ran first in the child and found the engine, so that the
     * bounded start after it begins with Testcontainers' preparation done and spends its bound on
     * the step the test holds back.
     */
    private static void assertPrepared(IsolatedRun child) throws IOException {
        IsolatedRun.Outcome prepared = child.outcome(PreparedCases.class);
        assertThat(prepared.message()).describedAs("the preparing start; %s", child.output())
                .contains("is not in the Docker engine and could not be pulled");
    }

    /** No container (running or not) and no network of the JVM {@code pid} is in the engine. */
    private static void assertNothingLeftBy(long pid) {
        assertThat(DockerCli.containersOf(pid)).describedAs("containers of the child JVM %d", pid).isEmpty();
        assertThat(DockerCli.run("network", "ls", "--format", "{{.ID}} {{.Label \"" + ContainerLauncher.OWNER_LABEL + "\"}}").stream()
                .filter(line -> line.contains(" " + OwnProcesses.identityPrefix(pid))).toList())
                .describedAs("networks of the child JVM %d", pid).isEmpty();
    }

    private static List<String> buildStepContainers() {
        return DockerCli.run("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}").stream()
                .filter(line -> line.contains("managed-backend slow-build step")).toList();
    }

    /** Accepts connections on 127.0.0.1 and never answers them: a registry that hangs. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = new Thread(this::accept, "silent registry");

        SilentServer() throws IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return ((InetSocketAddress) server.getLocalSocketAddress()).getPort();
        }

        synchronized int connections() {
            return accepted.size();
        }

        private void accept() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    synchronized (this) {
                        accepted.add(socket);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (this) {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    @ManagedBackend(image = IMAGE, startupTimeoutSeconds = 30) // RYUK_BOUND
    static class RyukCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(name = "again", image = IMAGE, startupTimeoutSeconds = 5)
    static class RyukAgainCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(dockerfile = "src/test/docker/unpullable-base/Dockerfile", startupTimeoutSeconds = 5)
    static class StalledPullCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(dockerfile = SLOW_BUILD, startupTimeoutSeconds = 5)
    static class SlowBuildCases {
        @Test
        void never() {
        }
    }

    /**
     * The local engine (its unix socket) behind a TCP port on 127.0.0.1, holding back each request
     * to create a container for a while before passing it on: an engine that is slow to create.
     */
    private static final class SlowCreates implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Path engine;
        private final Duration hold;
        private final AtomicInteger created = new AtomicInteger();
        private final List<Closeable> open = new ArrayList<>();

        SlowCreates(Duration hold) throws IOException {
            String dockerHost = System.getenv("DOCKER_HOST");
            this.engine = Path.of(dockerHost != null && dockerHost.startsWith("unix://")
                    ? dockerHost.substring("unix://".length()) : "/var/run/docker.sock");
            this.hold = hold;
            Thread acceptor = new Thread(this::accept, "slow engine");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        /** Containers the engine answered a create request for (HTTP 201). */
        int created() {
            return created.get();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    SocketChannel docker = SocketChannel.open(UnixDomainSocketAddress.of(engine));
                    synchronized (open) {
                        open.add(client);
                        open.add(docker);
                    }
                    relay(() -> toEngine(client.getInputStream(), docker));
                    relay(() -> toClient(docker, client.getOutputStream()));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        // The channel's own read and write, not Channels' streams: those share one lock, so a
        // blocked read would keep the other direction from writing.
        private void toEngine(InputStream in, SocketChannel out) throws IOException, InterruptedException {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                String head = new String(buffer, 0, Math.min(n, 200), StandardCharsets.ISO_8859_1);
                if (head.startsWith("POST ") && head.lines().findFirst().orElse("").contains("/containers/create")) {
                    Thread.sleep(hold.toMillis());
                }
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
        }

        private void toClient(SocketChannel in, OutputStream out) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            while (in.read(buffer) > 0) {
                buffer.flip();
                if (new String(buffer.array(), 0, Math.min(buffer.limit(), 20), StandardCharsets.ISO_8859_1)
                        .startsWith("HTTP/1.1 201")) {
                    created.incrementAndGet();
                }
                out.write(buffer.array(), 0, buffer.limit());
                out.flush();
                buffer.clear();
            }
        }

        private interface Pump {
            void run() throws IOException, InterruptedException;
        }

        private static void relay(Pump pump) {
            Thread thread = new Thread(() -> {
                try {
                    pump.run();
                } catch (IOException | InterruptedException closed) {
                    // one side went away
                }
            }, "slow engine relay");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (open) {
                for (Closeable closeable : open) {
                    closeable.close();
                }
            }
        }
    }

    @ManagedBackend(name = "late", image = IMAGE, startupTimeoutSeconds = 5)
    static class LateCreateCases {
        @Test
        void never() {
        }
    }

    @ManagedBackend(image = "managed-backend-test/does-not-exist:1", startupTimeoutSeconds = 60)
    static class MissingImageCases {
        @Test
        void never() {
        }
    }

    /**
     * Run first in a child JVM: its start goes through Testcontainers' preparation (finding the
     * engine, whose time is the machine's, not the test's) and fails as soon as Docker says the
     * image cannot be pulled, so that the next fixture's bound covers only the step it names.
     */
    @ManagedBackend(image = "managed-backend-test/does-not-exist:1", startupTimeoutSeconds = 120)
    static class PreparedCases {
        @Test
        void never() {
        }
    }
}
