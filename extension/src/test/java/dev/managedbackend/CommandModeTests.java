package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Servers other than a single uvicorn: any command, uvicorn with workers, several named backends,
 * and a server that ignores SIGTERM. Each checks that the whole process tree is gone afterwards.
 */
@ExtendWith(OwnProcesses.class)
class CommandModeTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void runsAnyCommandWithPortAndHostFilledIn() {
        EngineExecutionResults results = TestKit.run(HttpServerCases.class);

        TestKit.assertAllPassed(results, 1);
        int port = (Integer) SEEN.get("port");
        assertThat(SEEN.get("GET /")).isEqualTo(200);
        assertThat(SEEN).containsEntry("url", URI.create("http://127.0.0.1:" + port));
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("pid"))).isFalse();
        assertThat(OwnProcesses.canBind(port)).isTrue();
    }

    @Test
    void aFixedPortIsUsedAsGiven() {
        EngineExecutionResults results = TestKit.run(FixedPortCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat(SEEN).containsEntry("port", FixedPortCases.PORT)
                .containsEntry("url", URI.create("http://127.0.0.1:" + FixedPortCases.PORT));
        assertThat(OwnProcesses.canBind(FixedPortCases.PORT)).isTrue();
    }

    @Test
    void uvicornWorkersAreStoppedWithTheirParent() {
        EngineExecutionResults results = TestKit.run(WorkersCases.class);

        TestKit.assertAllPassed(results, 1);
        @SuppressWarnings("unchecked")
        List<Long> descendants = (List<Long>) SEEN.get("descendants");
        assertThat(descendants).describedAs("uvicorn's worker processes").hasSizeGreaterThanOrEqualTo(2);
        assertThat(descendants).contains((Long) SEEN.get("pid answering /"));
        assertThat(descendants).filteredOn(OwnProcesses::isAlive).describedAs("workers alive after the class")
                .isEmpty();
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("pid"))).isFalse();
        assertThat(OwnProcesses.canBind((Integer) SEEN.get("port"))).isTrue();
    }

    @Test
    void severalNamedBackendsAreInjectedByName() {
        EngineExecutionResults results = TestKit.run(NamedCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat(SEEN).containsEntry("all", List.of("api", "files"))
                .containsEntry("api /health", 200)
                .containsEntry("files /", 200)
                .containsEntry("get(api)", SEEN.get("api url"))
                .containsEntry("get(files)", SEEN.get("files url"));
        assertThat(SEEN.get("api url")).isNotEqualTo(SEEN.get("files url"));
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("api pid"))).isFalse();
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("files pid"))).isFalse();
    }

    @Test
    void aBackendThatDiesDuringTheTestsIsReportedAndTeardownStillSucceeds() {
        EngineExecutionResults results = TestKit.run(DyingCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat(SEEN).containsEntry("running before", true).containsEntry("running after kill", false);
        assertThat(OwnProcesses.canBind((Integer) SEEN.get("port"))).isTrue();
    }

    @Test
    void aServerThatIgnoresSigtermIsKilledAfterTheGracePeriod() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.STOP_TIMEOUT_PROPERTY_NAME, "1"),
                StubbornCases.class);
        Duration teardown = Duration.ofNanos(System.nanoTime() - (Long) SEEN.get("test ended"));

        TestKit.assertAllPassed(results, 1);
        assertThat(SEEN.get("ignores TERM")).describedAs("SigIgn of the server").isEqualTo(true);
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("pid"))).isFalse();
        // at least the 1 s grace; without the SIGKILL after it, the stop would never end (60 s: a loaded machine)
        assertThat(teardown).describedAs("1 s grace, then SIGKILL")
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(60));
    }

    @ManagedBackend(dir = DIR, command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"},
            healthPath = "/")
    static class HttpServerCases {

        @Test
        void serves(@BackendUrl URI url, Backend backend) {
            SEEN.put("url", url);
            SEEN.put("port", backend.port());
            SEEN.put("pid", backend.pid().getAsLong());
            SEEN.put("GET /", Http.get(url + "/").status());
        }
    }

    @ManagedBackend(dir = DIR, port = FixedPortCases.PORT, healthPath = "/",
            command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
    static class FixedPortCases {
        /** Outside the range the extension picks from (20000-32767) and below the ephemeral range. */
        static final int PORT = 19877;

        @Test
        void serves(@BackendUrl URI url, Backend backend) {
            SEEN.put("url", url);
            SEEN.put("port", backend.port());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", args = {"--workers", "2"})
    static class WorkersCases {

        @Test
        void recordTheTree(@BackendUrl String url, Backend backend) {
            long pid = backend.pid().getAsLong();
            SEEN.put("pid", pid);
            SEEN.put("port", backend.port());
            String body = Http.get(url + "/").body();
            SEEN.put("pid answering /", Long.parseLong(body.replaceAll(".*\"pid\":(\\d+).*", "$1")));
            SEEN.put("descendants", OwnProcesses.descendants(pid));
        }
    }

    @ManagedBackend(name = "api", dir = DIR, app = "apps.hello:app")
    @ManagedBackend(name = "files", dir = DIR, healthPath = "",
            command = {"sh", "-c", "exec python3 -m http.server \"$PORT\" --bind {host}"})
    static class NamedCases {

        @Test
        void both(@BackendUrl("api") URI api, @BackendUrl("files") URI files, Backends backends) {
            SEEN.put("all", backends.all().stream().map(Backend::name).toList());
            SEEN.put("api url", api);
            SEEN.put("files url", files);
            SEEN.put("get(api)", backends.get("api").baseUrl());
            SEEN.put("get(files)", backends.get("files").baseUrl());
            SEEN.put("api pid", backends.get("api").pid().getAsLong());
            SEEN.put("files pid", backends.get("files").pid().getAsLong());
            SEEN.put("api /health", Http.get(api + "/health").status());
            SEEN.put("files /", Http.get(files + "/").status());
        }
    }

    @ManagedBackend(dir = DIR, healthPath = "/",
            command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"})
    static class DyingCases {

        @Test
        void dies(Backend backend) throws Exception {
            SEEN.put("port", backend.port());
            SEEN.put("running before", backend.isRunning());
            ProcessHandle process = ProcessHandle.of(backend.pid().getAsLong()).orElseThrow();
            process.destroyForcibly();
            process.onExit().get(10, TimeUnit.SECONDS);
            SEEN.put("running after kill", backend.isRunning());
        }
    }

    @ManagedBackend(dir = DIR, healthPath = "/",
            command = {"sh", "-c", "trap '' TERM; exec python3 -m http.server {port} --bind {host}"})
    static class StubbornCases {

        @Test
        void ignoresSigterm(Backend backend) throws Exception {
            long pid = backend.pid().getAsLong();
            SEEN.put("pid", pid);
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
            long ignored = Long.parseLong(status.replaceAll("(?s).*SigIgn:\\s*([0-9a-f]+).*", "$1"), 16);
            SEEN.put("ignores TERM", (ignored & (1L << (15 - 1))) != 0);
            SEEN.put("test ended", System.nanoTime());
        }
    }
}
