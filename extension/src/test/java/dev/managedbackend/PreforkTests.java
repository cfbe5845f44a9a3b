package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import dev.managedbackend.internal.prefork.Templates;

/**
 * Prefork with real processes: backends forked from a template are as fresh and as separate as
 * cold ones (module state, lifespan, PORT and env of their own), a written {@code prefork} wins
 * over the configured default, and whatever cannot be forked safely starts cold and says why in
 * one INFO line. {@link OwnProcesses} checks after every test that nothing but the templates
 * (which live as long as the JVM) is left.
 */
@ExtendWith(OwnProcesses.class)
class PreforkTests {

    static final Map<String, Long> PIDS = new ConcurrentHashMap<>();
    static final Map<String, Long> PARENTS = new ConcurrentHashMap<>();
    static final Map<String, Path> LOGS = new ConcurrentHashMap<>();
    static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static final long JVM = ProcessHandle.current().pid();

    @BeforeEach
    void forget() {
        PIDS.clear();
        PARENTS.clear();
        LOGS.clear();
        ANSWERS.clear();
    }

    @Test
    void freshBackendsDoNotShareStateAndEachRunsItsOwnLifespan() throws Exception {
        TestKit.assertAllPassed(TestKit.run(StatefulCases.class), 2);

        assertThat(ANSWERS).containsEntry("first, after its write", "[\"pen\"]")
                .containsEntry("second", "[]"); // module state as right after import
        long first = PIDS.get("first");
        long second = PIDS.get("second");
        assertThat(first).isNotEqualTo(second);
        assertThat(PARENTS.get("first")).describedAs("the template, not this JVM, forked both")
                .isEqualTo(PARENTS.get("second")).isNotEqualTo(JVM);
        for (String test : List.of("first", "second")) {
            long pid = PIDS.get(test);
            assertThat(Files.readString(LOGS.get(test))).describedAs("log of %s", test)
                    .contains("[managed-backend] starting ", "[managed-backend] forked from prefork template pid "
                            + PARENTS.get(test) + ", which imported the app once")
                    .contains("lifespan startup in pid " + pid, "lifespan shutdown in pid " + pid)
                    .doesNotContain("in pid " + (pid == first ? second : first));
        }
        assertThat(OwnProcesses.isAlive(first) || OwnProcesses.isAlive(second)).isFalse();
        assertThat(Templates.pids()).contains(PARENTS.get("first"));
    }

    @Test
    void eachBackendHasItsOwnPortAndEnvAndEqualBackendsShareATemplate() {
        TestKit.assertAllPassed(TestKit.run(EnvCases.class), 1);

        for (String name : List.of("a", "b", "c")) {
            assertThat(ANSWERS.get(name + " PORT")).isEqualTo("{\"name\":\"PORT\",\"value\":\"" + ANSWERS.get(name + " port")
                    + "\"}");
        }
        assertThat(ANSWERS).containsEntry("a GREETING", "{\"name\":\"GREETING\",\"value\":\"hi\"}")
                .containsEntry("b GREETING", "{\"name\":\"GREETING\",\"value\":\"hello\"}")
                .containsEntry("c GREETING", "{\"name\":\"GREETING\",\"value\":\"hi\"}");
        assertThat(PARENTS.get("a")).describedAs("a and c: same app, args and env").isEqualTo(PARENTS.get("c"))
                .isNotEqualTo(PARENTS.get("b")).isNotEqualTo(JVM);
        assertThat(PARENTS.get("b")).isNotEqualTo(JVM);
    }

    @Test
    void aWrittenPreforkWinsOverTheConfiguredDefault() {
        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.PREFORK_PROPERTY_NAME, "true"),
                WrittenOffCases.class, NotWrittenCases.class), 2);
        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.PREFORK_PROPERTY_NAME, "false"),
                WrittenOnCases.class), 1);

        assertThat(PARENTS.get("WrittenOffCases")).describedAs("prefork = OFF: cold").isEqualTo(JVM);
        assertThat(PARENTS.get("NotWrittenCases")).describedAs("managedbackend.prefork=true").isNotEqualTo(JVM);
        assertThat(PARENTS.get("WrittenOnCases")).describedAs("prefork = ON").isNotEqualTo(JVM);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"threads", "sockets", "workers", "reload", "no fork"})
    void whatCannotBeForkedSafelyStartsColdSayingWhy(String fallback) {
        Class<?> fixture = switch (fallback) {
            case "threads" -> ThreadsCases.class;
            case "sockets" -> SocketsCases.class;
            case "workers" -> WorkersCases.class;
            case "reload" -> ReloadCases.class;
            default -> NoForkCases.class;
        };
        String why = switch (fallback) {
            case "threads" -> "importing the app left 1 thread(s) running: poller (template log: ";
            case "sockets" -> "importing the app left 1 socket(s) open (file descriptors ";
            case "workers" -> "uvicorn's --workers 2 starts worker processes of its own (template log: ";
            case "reload" -> "uvicorn's --reload restarts the server from a watcher process (template log: ";
            default -> "this Python has no os.fork (Windows) (template log: ";
        };
        EngineExecutionResults results;
        try (InfoLog log = InfoLog.capture()) {
            results = TestKit.run(fixture);
            assertThat(log.containing("starts cold")).describedAs("the INFO lines").singleElement().asString()
                    .startsWith("backend 'default' (uvicorn apps.") .contains(") starts cold, not forked from a "
                            + "prefork template: " + why);
        }
        TestKit.assertAllPassed(results, 1);
        assertThat(PARENTS.get(fixture.getSimpleName())).describedAs("started cold, by this JVM").isEqualTo(JVM);
    }

    @Test
    void anAppThatDoesNotImportFailsExactlyAsAColdStartDoes() {
        Throwable cold = TestKit.classFailure(TestKit.run(BrokenColdCases.class), BrokenColdCases.class);
        Throwable forked;
        try (InfoLog log = InfoLog.capture()) {
            forked = TestKit.classFailure(TestKit.run(BrokenCases.class), BrokenCases.class);
            assertThat(log.containing("starts cold")).singleElement().asString().contains("starts cold, not forked "
                    + "from a prefork template: the app did not import in the template (ModuleNotFoundError: No "
                    + "module named 'module_that_does_not_exist') (template log: ");
        }
        assertThat(forked).isExactlyInstanceOf(cold.getClass());
        assertThat(normalized(forked.getMessage())).isEqualTo(normalized(cold.getMessage()));
    }

    /**
     * Issue 18: an app that prints at import, lines like the template's own protocol included,
     * once confused the template (its channel was its stdout), which died, and every backend
     * started cold. The channel is a socket now: it forks, and its log starts with what the
     * import printed, exactly as a cold start's does. Under both uvicorn lines.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Debian's /usr/bin/python3", "the test venv"})
    void anAppThatPrintsAtImportForksAndItsLogStartsWithWhatItPrinted(String python) throws Exception {
        boolean debian = python.startsWith("Debian");
        assertThat(!debian || debianUvicorn()).describedAs("/usr/bin/python3 with uvicorn and fastapi "
                + "(apt-get install python3-uvicorn python3-fastapi, as scripts/setup.sh does)").isTrue();
        Class<?> forkedCases = debian ? ChattyDebianCases.class : ChattyCases.class;
        Class<?> coldCases = debian ? ChattyDebianColdCases.class : ChattyColdCases.class;
        try (InfoLog log = InfoLog.capture()) {
            TestKit.assertAllPassed(TestKit.run(forkedCases, coldCases), 2);
            assertThat(log.containing("starts cold")).describedAs("INFO lines of a backend that was to fork")
                    .isEmpty();
        }
        assertThat(PARENTS.get("ChattyCases")).describedAs("forked by its template").isNotEqualTo(JVM);
        assertThat(PARENTS.get("ChattyColdCases")).describedAs("cold: this JVM's child").isEqualTo(JVM);

        String forked = Files.readString(LOGS.get("ChattyCases"));
        String cold = Files.readString(LOGS.get("ChattyColdCases"));
        String note = "[managed-backend] what the app printed while the template imported it (also in ";
        assertThat(forked).describedAs("the forked backend's log").contains(note)
                .contains("failed to reach the cache, using memory", "ready 1", "forked 1 1");
        String printedForked = between(forked, forked.indexOf('\n', forked.indexOf(note)) + 1);
        String printedCold = between(cold, cold.indexOf('\n', cold.indexOf("[managed-backend] starting ")) + 1);
        assertThat(printedForked).describedAs("what the forked backend's log has before the server's first line, "
                + "against the cold one's").isEqualTo(printedCold).startsWith("failed to reach the cache");
    }

    /** An import that prints more than prefork copies: the backend's log has the start and says where the rest is. */
    @Test
    void aLongImportOutputIsCutInTheBackendsLogAndTheLogSaysWhereItAllIs() throws Exception {
        TestKit.assertAllPassed(TestKit.run(LoudCases.class), 1);

        assertThat(PARENTS.get("LoudCases")).describedAs("forked by its template").isNotEqualTo(JVM);
        String forked = Files.readString(LOGS.get("LoudCases"));
        assertThat(forked).contains("[managed-backend] what the app printed while the template imported it, its first "
                + 256 * 1024 + " bytes (all of it is in ").contains("loud line 000 ", "loud line 255 ")
                .doesNotContain("loud line 256 ");
    }

    /** What a log has from {@code from} up to uvicorn's first line, without the line break before it. */
    private static String between(String log, int from) {
        int server = log.indexOf("INFO:", from);
        assertThat(server).describedAs("uvicorn's first INFO line in:%n%s", log).isPositive();
        return log.substring(from, server).strip();
    }

    /**
     * Issue 18: the exit code a child's pid reported was kept for that pid, so a later child the
     * kernel gave the same pid counted as ended at once, and its start failed. The app's
     * before-fork hook sets the kernel's last pid (as root) so that the next child gets the
     * stopped one's pid; another process may take it first, so this tries a few times.
     */
    @Test
    void aChildThatGetsTheReusedPidOfAStoppedOneRunsAsAnyOther(@TempDir Path tmp) throws Exception {
        Path wish = tmp.resolve("next-pid");
        BackendBuilder builder = BackendBuilder.app("apps.reuse:app").dir(DIR).prefork(Prefork.ON)
                .env("NEXT_PID_FILE", wish.toString());
        long stopped;
        try (Backend first = builder.start()) {
            stopped = first.pid().getAsLong();
            assertThat(ProcessHandle.of(stopped).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .describedAs("forked").isPresent().get().isNotEqualTo(JVM);
        }
        List<Long> given = new ArrayList<>();
        for (int attempt = 1; attempt <= 5 && !given.contains(stopped); attempt++) {
            Files.writeString(wish, Long.toString(stopped - 1));
            try (Backend next = builder.start()) { // failed with "exited early" when it got the pid
                given.add(next.pid().getAsLong());
                assertThat(Http.get(next.baseUrl() + "/health").body()).contains("\"pid\":" + next.pid().getAsLong());
            }
        }
        assertThat(given).describedAs("pids of the children forked after pid %d had ended; none got it again: "
                + "the app's before-fork hook writes /proc/sys/kernel/ns_last_pid, which needs root, and "
                + "another process may have taken the pid each time", stopped).contains(stopped);
    }

    /**
     * Issue 18: one import slower than {@code startupTimeoutSeconds} once turned prefork off for
     * the spec for the rest of the JVM. Now that start goes cold, the template goes on, and the
     * backends after it fork. The app's first import (the template's) waits for a gate the test
     * opens once the cold start is ready.
     */
    @Test
    void aSlowImportStartsOneBackendColdAndLaterOnesFork(@TempDir Path gate) throws Exception {
        BackendBuilder builder = BackendBuilder.app("apps.gated:app").dir(DIR).prefork(Prefork.ON)
                .startupTimeoutSeconds(5).env("PREFORK_GATE", gate.toString());
        try (InfoLog log = InfoLog.capture()) {
            try (Backend cold = builder.start()) {
                assertThat(parentOf(cold)).describedAs("the first backend, while the template imports").isEqualTo(JVM);
                assertThat(log.containing("starts cold")).singleElement().asString().contains("starts cold, not "
                        + "forked from a prefork template: the template did not import the app within 5 s; it goes "
                        + "on importing, and later backends fork from it once it has (its log: ");
            }
            Files.createFile(gate.resolve("open"));
            Awaitility.await("the INFO line of the template that imported after all").atMost(Duration.ofSeconds(60))
                    .until(() -> !log.containing("imported apps.gated:app after all").isEmpty());
            try (Backend forked = builder.start()) {
                assertThat(parentOf(forked)).describedAs("a backend after the template had imported")
                        .isNotEqualTo(JVM);
            }
        }
    }

    private static long parentOf(Backend backend) {
        return ProcessHandle.of(backend.pid().getAsLong()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                .orElse(0L);
    }

    /**
     * Debian's uvicorn 0.17 (/usr/bin/python3, which CI always installs) and the test venv's (the
     * newest, 0.5x, in CI's main run): uvicorn's Config and Server changed between them.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Debian's /usr/bin/python3", "the test venv"})
    void oldAndNewUvicornBothFork(String python) throws Exception {
        Class<?> fixture = python.startsWith("Debian") ? DebianUvicornCases.class : VenvUvicornCases.class;
        if (fixture == DebianUvicornCases.class && !debianUvicorn()) {
            assertThat(System.getenv("CI")).describedAs("CI installs python3-uvicorn: this test must run there")
                    .isNotEqualTo("true");
            Assumptions.abort("/usr/bin/python3 has no uvicorn here (apt-get install python3-uvicorn)");
        }
        TestKit.assertAllPassed(TestKit.run(fixture), 2);

        String versions = ANSWERS.get("versions");
        System.out.printf("[prefork] %s: %s%n", python, versions);
        if (fixture == DebianUvicornCases.class) {
            assertThat(versions).contains("\"uvicorn\":\"0.17.");
        }
        assertThat(PARENTS.get("first")).isEqualTo(PARENTS.get("second")).isNotEqualTo(JVM);
        for (String test : List.of("first", "second")) {
            assertThat(Files.readString(LOGS.get(test))).contains("Uvicorn running on http://127.0.0.1:",
                    "lifespan startup in pid " + PIDS.get(test), "lifespan shutdown in pid " + PIDS.get(test),
                    "Finished server process [" + PIDS.get(test) + "]");
        }
    }

    private static boolean debianUvicorn() throws InterruptedException {
        try {
            return new ProcessBuilder("/usr/bin/python3", "-c", "import uvicorn, fastapi").start().waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The pid, the time and the log file name differ from run to run; nothing else may. */
    private static String normalized(String message) {
        return message.replaceAll("pid \\d+", "pid N").replaceAll("\\d+ ms after launch", "N ms after launch")
                .replaceAll("--port \\d+", "--port N").replaceAll("Log \\S+\\.log", "Log L")
                .replaceAll("\\[\\d+]", "[N]");
    }

    /** A fixture's backend: its pid, its parent (the template, or this JVM) and its log. */
    static void record(String key, Backend backend) {
        long pid = backend.pid().getAsLong();
        PIDS.put(key, pid);
        PARENTS.put(key, ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(0L));
        LOGS.put(key, backend.logFile());
    }

    @ManagedBackend(app = "apps.stateful:app", dir = DIR, scope = Scope.METHOD, prefork = Prefork.ON)
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class StatefulCases {
        @Test
        void first(Backend backend) {
            record("first", backend);
            Http.post(backend.baseUrl() + "/items/pen");
            ANSWERS.put("first, after its write", Http.get(backend.baseUrl() + "/items").body());
        }

        @Test
        void second(Backend backend) {
            record("second", backend);
            ANSWERS.put("second", Http.get(backend.baseUrl() + "/items").body());
        }
    }

    @ManagedBackend(app = "apps.stateful:app", dir = DIR, python = "/usr/bin/python3", scope = Scope.METHOD,
            prefork = Prefork.ON)
    static class DebianUvicornCases extends TwoForks {
    }

    @ManagedBackend(app = "apps.stateful:app", dir = DIR, scope = Scope.METHOD, prefork = Prefork.ON)
    static class VenvUvicornCases extends TwoForks {
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    abstract static class TwoForks {
        @Test
        void first(Backend backend) {
            record("first", backend);
            ANSWERS.put("versions", Http.get(backend.baseUrl() + "/versions").body());
        }

        @Test
        void second(Backend backend) {
            record("second", backend);
        }
    }

    @ManagedBackend(name = "a", app = "apps.env:app", dir = DIR, env = "GREETING=hi", prefork = Prefork.ON)
    @ManagedBackend(name = "b", app = "apps.env:app", dir = DIR, env = "GREETING=hello", prefork = Prefork.ON)
    @ManagedBackend(name = "c", app = "apps.env:app", dir = DIR, env = "GREETING=hi", prefork = Prefork.ON)
    static class EnvCases {
        @Test
        void test(Backends backends) {
            for (Backend backend : backends.all()) {
                record(backend.name(), backend);
                ANSWERS.put(backend.name() + " port", Integer.toString(backend.port()));
                ANSWERS.put(backend.name() + " PORT", Http.get(backend.baseUrl() + "/env/PORT").body());
                ANSWERS.put(backend.name() + " GREETING", Http.get(backend.baseUrl() + "/env/GREETING").body());
            }
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, prefork = Prefork.OFF)
    static class WrittenOffCases {
        @Test
        void test(Backend backend) {
            record("WrittenOffCases", backend);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class NotWrittenCases {
        @Test
        void test(Backend backend) {
            record("NotWrittenCases", backend);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, prefork = Prefork.ON)
    static class WrittenOnCases {
        @Test
        void test(Backend backend) {
            record("WrittenOnCases", backend);
        }
    }

    @ManagedBackend(app = "apps.threads:app", dir = DIR, prefork = Prefork.ON)
    static class ThreadsCases {
        @Test
        void test(Backend backend) {
            record("ThreadsCases", backend);
        }
    }

    @ManagedBackend(app = "apps.sockets:app", dir = DIR, prefork = Prefork.ON)
    static class SocketsCases {
        @Test
        void test(Backend backend) {
            record("SocketsCases", backend);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, args = {"--workers", "2"}, prefork = Prefork.ON)
    static class WorkersCases {
        @Test
        void test(Backend backend) {
            record("WorkersCases", backend);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, args = {"--reload", "--reload-dir", "apps"},
            prefork = Prefork.ON)
    static class ReloadCases {
        @Test
        void test(Backend backend) {
            record("ReloadCases", backend);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, python = "bin/python-without-fork", prefork = Prefork.ON)
    static class NoForkCases {
        @Test
        void test(Backend backend) {
            record("NoForkCases", backend);
        }
    }

    @ManagedBackend(app = "apps.chatty:app", dir = DIR, prefork = Prefork.ON)
    static class ChattyCases {
        @Test
        void test(Backend backend) {
            record("ChattyCases", backend);
        }
    }

    @ManagedBackend(app = "apps.loud:app", dir = DIR, prefork = Prefork.ON)
    static class LoudCases {
        @Test
        void test(Backend backend) {
            record("LoudCases", backend);
        }
    }

    @ManagedBackend(app = "apps.chatty:app", dir = DIR, prefork = Prefork.OFF)
    static class ChattyColdCases {
        @Test
        void test(Backend backend) {
            record("ChattyColdCases", backend);
        }
    }

    @ManagedBackend(app = "apps.chatty:app", dir = DIR, python = "/usr/bin/python3", prefork = Prefork.ON)
    static class ChattyDebianCases {
        @Test
        void test(Backend backend) {
            record("ChattyCases", backend);
        }
    }

    @ManagedBackend(app = "apps.chatty:app", dir = DIR, python = "/usr/bin/python3", prefork = Prefork.OFF)
    static class ChattyDebianColdCases {
        @Test
        void test(Backend backend) {
            record("ChattyColdCases", backend);
        }
    }

    @ManagedBackend(app = "apps.broken:app", dir = DIR, prefork = Prefork.ON)
    static class BrokenCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(app = "apps.broken:app", dir = DIR)
    static class BrokenColdCases {
        @Test
        void test() {
        }
    }
}
