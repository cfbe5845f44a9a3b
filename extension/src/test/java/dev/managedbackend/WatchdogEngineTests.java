package dev.managedbackend;

import static dev.managedbackend.CrashTeardownTests.ledger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.CrashGuard;

/**
 * The watchdog removes a container through the engine it was recorded on, also a {@code tcp://}
 * one and also with {@code curl} when there is no docker CLI, and keeps the ledger entry of a
 * container it could not remove. A {@code tcp://} engine is the local one behind a relay each
 * test starts for its own duration ({@link TcpEngine}): the set-up's engine opens no TCP port.
 */
@EnabledIf("dev.managedbackend.CrashContainerTests#dockerWithImages")
class WatchdogEngineTests {

    private static final String LOCAL_ENGINE = "unix:///var/run/docker.sock";
    private static final String IMAGE = "managed-backend/python-fastapi:bookworm";
    private static final String DOCKER = "/usr/bin/docker";
    private static final Duration READY = Duration.ofSeconds(60);
    private static final Duration CLEANED_UP = Duration.ofSeconds(15);

    @TempDir
    Path temp;

    /** Container mode on {@code DOCKER_HOST=tcp://...}: Testcontainers' engine is what the ledger and the watchdog get. */
    @Test
    void aContainerModeBackendOnATcpEngineIsRemovedThroughIt() throws Exception {
        Path state = temp.resolve("state");
        try (TcpEngine tcp = TcpEngine.start();
                CrashJvm jvm = CrashJvm.start(CrashContainerTests.ContainerModeCases.class, temp.resolve("jvm"), state,
                        Map.of("DOCKER_HOST", tcp.address()))) {
            String engine = tcp.address();
            String id = jvm.awaitReady(READY).containerId();
            try {
                assertThat(Files.readString(ledger(state).get(0))).contains("dockerHost=" + engine);

                long killed = System.nanoTime();
                jvm.process().destroyForcibly();
                await().atMost(CLEANED_UP).pollInterval(Duration.ofMillis(20))
                        .until(() -> !exists(id) && ledger(state).isEmpty());
                System.out.printf("[crash] SIGKILL, container mode on %s: container removed %d ms after the JVM "
                        + "was killed%n", engine, Duration.ofNanos(System.nanoTime() - killed).toMillis());
                assertThat(jvm.watchdogLog()).contains("removed container " + id + " (docker CLI, " + engine + ")");
            } finally {
                remove(id);
            }
        }
    }

    /**
     * No docker CLI on the watchdog's PATH, and a {@code DOCKER_HOST} that leads nowhere: curl
     * must take the engine from the record, be it {@code tcp://} or {@code unix://}.
     */
    @ParameterizedTest(name = "recorded on a {0} engine")
    @ValueSource(strings = {"tcp", "unix"})
    void withoutADockerCliCurlRemovesTheContainerThroughTheRecordedEngine(String kind) throws Exception {
        Path state = temp.resolve("state");
        try (TcpEngine tcp = kind.equals("tcp") ? TcpEngine.start() : null;
                CrashJvm jvm = RecordedEngineCases.start(temp, state, false, tcp != null ? tcp.address() : LOCAL_ENGINE)) {
            String engine = tcp != null ? tcp.address() : LOCAL_ENGINE;
            String id = jvm.awaitReady(READY).containerId();
            try {
                assertThat(exists(id)).isTrue();
                long killed = System.nanoTime();
                jvm.process().destroyForcibly();
                await().atMost(CLEANED_UP).pollInterval(Duration.ofMillis(20))
                        .until(() -> !exists(id) && ledger(state).isEmpty());
                System.out.printf("[crash] SIGKILL, no docker CLI, recorded on %s: curl removed the container %d ms "
                        + "after the JVM was killed%n", engine, Duration.ofNanos(System.nanoTime() - killed).toMillis());
                assertThat(jvm.watchdogLog()).contains("removed container " + id + " (curl, " + engine + ")");
            } finally {
                remove(id);
            }
        }
    }

    /**
     * Registered before it was created, by its label, its id never told (container mode's way,
     * so that a JVM killed between the create and the answer leaves nothing): the watchdog lists
     * the containers with that label and removes them, with the docker CLI or with curl.
     */
    @ParameterizedTest(name = "docker CLI on the PATH: {0}")
    @ValueSource(booleans = {true, false})
    void aContainerRegisteredByItsLabelBeforeItExistedIsRemoved(boolean dockerCli) throws Exception {
        Path state = temp.resolve("state");
        try (CrashJvm jvm = RecordedEngineCases.start(temp, state, dockerCli, true, LOCAL_ENGINE)) {
            String id = jvm.awaitReady(READY).containerId();
            try {
                assertThat(entriesByContainer(state)).containsOnlyKeys("label=dev.managedbackend.start=" + jvm.pid() + "-0");
                long killed = System.nanoTime();
                jvm.process().destroyForcibly();
                await().atMost(CLEANED_UP).pollInterval(Duration.ofMillis(20))
                        .until(() -> !exists(id) && ledger(state).isEmpty());
                System.out.printf("[crash] SIGKILL, registered by label, %s: container removed %d ms after the JVM "
                        + "was killed%n", dockerCli ? "docker CLI" : "curl", Duration.ofNanos(System.nanoTime() - killed)
                        .toMillis());
                assertThat(jvm.watchdogLog()).contains("removed container " + id + " (" + (dockerCli ? "docker CLI" : "curl"));
            } finally {
                remove(id);
            }
        }
    }

    /**
     * Two containers, one recorded on an engine address that refuses connections: the other is
     * removed and its entry deleted; this one's entry stays for the next sweep, and the log says why.
     */
    @ParameterizedTest(name = "docker CLI on the PATH: {0}")
    @ValueSource(booleans = {true, false})
    void aContainerThatCannotBeRemovedKeepsItsLedgerEntry(boolean dockerCli) throws Exception {
        String refusing = "tcp://127.0.0.1:" + closedPort();
        Path state = temp.resolve("state");
        List<String> ids = new ArrayList<>();
        try (TcpEngine tcp = TcpEngine.start();
                CrashJvm jvm = RecordedEngineCases.start(temp, state, dockerCli, tcp.address(), refusing)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            ids.addAll(List.of(ready.containerId().split(",")));
            String removable = ids.get(0);
            String stuck = ids.get(1);
            assertThat(entriesByContainer(state)).containsOnlyKeys(removable, stuck);
            Path stuckEntry = entriesByContainer(state).get(stuck);

            jvm.process().destroyForcibly();
            await().atMost(CLEANED_UP).pollInterval(Duration.ofMillis(20))
                    .until(() -> !OwnProcesses.isAlive(ready.watchdogPid()));

            String log = jvm.watchdogLog();
            assertThat(exists(removable)).describedAs(log).isFalse();
            assertThat(exists(stuck)).describedAs("recorded on %s, which refuses connections", refusing).isTrue();
            assertThat(entriesByContainer(state)).describedAs(log).containsOnlyKeys(stuck);
            assertThat(log).contains("removed container " + removable,
                    "could not remove container " + stuck + " (" + (dockerCli ? "docker CLI" : "curl") + ", " + refusing
                            + "): " + (dockerCli ? "docker exited with 1" : "curl exited with 7, HTTP status 000"),
                    "kept these ledger entries for the next sweep:",
                    stuckEntry + ": container " + stuck + " not removed");
        } finally {
            ids.forEach(WatchdogEngineTests::remove);
        }
    }

    /** The ledger's container entries, by container id. */
    private static Map<String, Path> entriesByContainer(Path state) {
        Map<String, Path> entries = new LinkedHashMap<>();
        for (Path entry : ledger(state)) {
            try {
                Files.readAllLines(entry).stream().filter(line -> line.startsWith("container="))
                        .map(line -> line.substring("container=".length())).filter(id -> !id.isEmpty())
                        .forEach(id -> entries.put(id, entry));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return entries;
    }

    /** A port on 127.0.0.1 where nothing listens (bound and released: connections are refused). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean exists(String id) {
        return CrashContainerTests.docker("ps", "-aq", "--no-trunc", "--filter", "id=" + id).isPresent();
    }

    private static void remove(String id) {
        if (id != null && !id.isEmpty()) {
            CrashContainerTests.docker("rm", "-f", "-v", id);
        }
    }

    /**
     * Starts one container per engine in {@code crash.recordedHosts}, always on the local engine,
     * and registers it with the crash guard as running on that engine; reports their ids, comma
     * separated, then waits to be killed. The docker CLI is taken from {@code crash.docker}, so
     * the JVM's PATH need not have it.
     */
    static class RecordedEngineCases {

        /** A JVM running this fixture; without {@code dockerCli} on its PATH, and a DOCKER_HOST that leads nowhere. */
        static CrashJvm start(Path temp, Path state, boolean dockerCli, String... recordedHosts) throws IOException {
            return start(temp, state, dockerCli, false, recordedHosts);
        }

        /**
         * With {@code byLabel}, each container is registered before it is created, by a label of
         * its own, and its id is never told to the crash guard: what container mode does.
         */
        static CrashJvm start(Path temp, Path state, boolean dockerCli, boolean byLabel, String... recordedHosts)
                throws IOException {
            Map<String, String> env = new HashMap<>();
            if (!dockerCli) {
                Path bin = Files.createDirectories(temp.resolve("bin-without-docker"));
                for (String tool : List.of("grep", "sed", "sleep", "rm", "mkdir", "curl")) {
                    Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
                }
                env.put("PATH", bin.toString());
                env.put("DOCKER_HOST", "unix://" + temp.resolve("no-engine-here.sock"));
            }
            return CrashJvm.start(RecordedEngineCases.class, temp.resolve("jvm"), state, env,
                    "-Dcrash.docker=" + DOCKER, "-Dcrash.recordedHosts=" + String.join(",", recordedHosts),
                    "-Dcrash.byLabel=" + byLabel);
        }

        @Test
        void serve() throws Exception {
            Settings settings = Settings.from(new Config(key -> Optional.ofNullable(System.getProperty(key))));
            List<String> ids = new ArrayList<>();
            boolean byLabel = Boolean.getBoolean("crash.byLabel");
            CrashGuard guard = CrashGuard.get(settings.stateDir(), settings.logDir());
            for (String host : System.getProperty("crash.recordedHosts").split(",")) {
                String start = "dev.managedbackend.start=" + ProcessHandle.current().pid() + "-" + ids.size();
                if (byLabel) {
                    guard.watchContainer("label=" + start, host);
                }
                String id = docker("-H", LOCAL_ENGINE, "run", "-d", "--label", "dev.managedbackend.owner="
                        + ProcessHandle.current().pid() + ":crash-test", "--label", start, IMAGE, "sleep", "300");
                ids.add(id);
                if (!byLabel) {
                    guard.watchContainer(id, host);
                }
            }
            CrashJvm.readyContainer(String.join(",", ids), 0);
            Thread.sleep(120_000);
        }

        private static String docker(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(System.getProperty("crash.docker")));
            command.addAll(List.of(args));
            Process docker = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!docker.waitFor(60, TimeUnit.SECONDS) || docker.exitValue() != 0) {
                throw new AssertionError(command + " failed: " + out);
            }
            return out;
        }
    }
}
