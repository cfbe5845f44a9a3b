package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import dev.managedbackend.engine.FailureReports;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * What failures tell the user: who holds a taken port (a foreign process, or a leftover of an
 * earlier run and how to reap it), that a backend died between tests, the log attached to the
 * report; and the URL published as a system property while a backend runs.
 */
@ExtendWith(OwnProcesses.class)
class DiagnosticsTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();
    private static final String NL = System.lineSeparator();
    private Process holder;

    @AfterEach
    void stopHolder() throws InterruptedException {
        if (holder != null) {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        SEEN.clear();
    }

    @Test
    void aFixedPortTakenByAForeignProcessNamesItAndLeavesItAlone() throws Exception {
        holder = listenOn(19893, Map.of());

        Throwable failure = TestKit.classFailure(TestKit.run(ForeignHolderCases.class), ForeignHolderCases.class);

        assertThat(failure).isExactlyInstanceOf(BackendStartException.class);
        Messages.assertMatches(failure.getMessage(), "backend 'default': port = 19893 on 127.0.0.1 is already in use "
                + "by pid " + holder.pid() + " ({...}http.server 19893 --bind 127.0.0.1), user " + System.getProperty("user.name")
                + ", running for {n} s: a foreign process, which managed-backend never touches. A fixed port is used as "
                + "given, never replaced: stop what holds port 19893, choose another port, or leave port out (0) to let "
                + "the extension pick a free one.");
        assertThat(holder.isAlive()).isTrue();
    }

    @Test
    void aFixedPortTakenByALeftoverOfAKilledRunSaysHowToReapIt() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String deadJvm = new JvmIdentity.Self(ProcessIdentity.boot(), JvmIdentity.pidNamespace(), gone.pid(), 0,
                "5eed").toString();
        holder = listenOn(19894, Map.of("MANAGED_BACKEND_OWNER", deadJvm + ":api"));

        Throwable failure = TestKit.classFailure(TestKit.run(LeftoverHolderCases.class), LeftoverHolderCases.class);

        Messages.assertMatches(failure.getMessage(), "backend 'default': port = 19894 on 127.0.0.1 is already in use "
                + "by pid " + holder.pid() + " ({...}), user {...}, running for {n} s: a backend that managed-backend "
                + "started for test JVM " + gone.pid() + ", which is gone; the next test run sweeps it (managed-backend reap "
                + "does it now), or stop it now with kill " + holder.pid() + ". A fixed port is used as given{...}");
        assertThat(holder.isAlive()).isTrue();
    }

    /** A backend kept for reuse between runs is owned by no JVM: the message says how it ends. */
    @Test
    void aFixedPortTakenByABackendKeptForReuseSaysHowToStopIt() throws Exception {
        holder = listenOn(19895, Map.of("MANAGED_BACKEND_OWNER", "reuse-5eed5eed:api"));

        Throwable failure = TestKit.classFailure(TestKit.run(KeptHolderCases.class), KeptHolderCases.class);

        Messages.assertMatches(failure.getMessage(), "backend 'default': port = 19895 on 127.0.0.1 is already in use "
                + "by pid " + holder.pid() + " ({...}), user {...}, running for {n} s: backend 'api', which "
                + "managed-backend keeps running for reuse between test runs (managedbackend.reuse); it stops once "
                + "unused for managedbackend.reuseIdleSeconds, or stop it now with managed-backend stop api. A fixed "
                + "port is used as given{...}");
        assertThat(holder.isAlive()).isTrue();
    }

    @Test
    void aBackendThatDiesBetweenTestsFailsTheNextTestWithItsExitCode() {
        EngineExecutionResults results = TestKit.run(DiesBetweenTestsCases.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        Throwable failure = TestKit.testFailure(results, "second");
        assertThat(failure).isExactlyInstanceOf(BackendNotRunningException.class);
        Messages.assertMatches(failure.getMessage(), "backend 'default' is no longer running (exit code 137): it "
                + "was ready at " + SEEN.get("url") + " but stopped before second(URI). Its log may say why; an "
                + "earlier test may have shut it down or crashed it (use scope = Scope.METHOD for tests that do)." + NL
                + "Log {log}, last lines:{...}");
    }

    @Test
    void aFailedStartAttachesTheWholeLogToTheReport(@TempDir Path reports) {
        EngineExecutionResults results = TestKit.runWithReports(reports, BrokenAppCases.class);

        // Jupiter 5.12+ can publish files; on 5.10 and 5.11 a report entry names the log instead
        boolean filesSupported = Arrays.stream(ExtensionContext.class.getMethods())
                .anyMatch(method -> method.getName().equals("publishFile"));
        List<Path> files = TestKit.publishedFiles(results);
        List<String> entries = TestKit.reportEntries(results, FailureReports.LOG_ENTRY_KEY);
        if (filesSupported) {
            assertThat(entries).isEmpty();
            assertThat(files).hasSize(1);
            assertThat(files.get(0)).content().contains("module_that_does_not_exist");
        } else {
            assertThat(files).isEmpty();
            assertThat(entries).hasSize(1);
            assertThat(Path.of(entries.get(0))).isAbsolute().content().contains("module_that_does_not_exist");
        }
    }

    @Test
    void theUrlIsASystemPropertyWhileTheBackendRuns() {
        TestKit.assertAllPassed(TestKit.run(PropertyCases.class), 1);

        assertThat(SEEN.get("property")).isEqualTo(SEEN.get("url"));
        assertThat(System.getProperty("managedbackend.api.url")).isNull();
    }

    static Process listenOn(int port, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("python3", "-m", "http.server", Integer.toString(port), "--bind",
                "127.0.0.1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("MANAGED_BACKEND_OWNER");
        builder.environment().putAll(env);
        Process process = builder.start();
        // a loaded machine can take seconds to start Python; connecting (not binding) never competes for the port
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> !process.isAlive() || OwnProcesses.listens(port));
        assertThat(process.isAlive()).as("the holder of port %d is running", port).isTrue();
        return process;
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", port = 19893)
    static class ForeignHolderCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", port = 19895)
    static class KeptHolderCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", port = 19894)
    static class LeftoverHolderCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class DiesBetweenTestsCases {
        @Test
        @Order(1)
        void first(Backend backend) throws Exception {
            SEEN.put("url", backend.baseUrl());
            ProcessHandle process = ProcessHandle.of(backend.pid().getAsLong()).orElseThrow();
            process.destroyForcibly();
            process.onExit().get(10, TimeUnit.SECONDS);
        }

        @Test
        @Order(2)
        void second(@BackendUrl URI api) {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.broken:app")
    static class BrokenAppCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(name = "api", dir = DIR, app = "apps.hello:app")
    static class PropertyCases {
        @Test
        void test(@BackendUrl("api") String url) {
            SEEN.put("url", url);
            SEEN.put("property", System.getProperty("managedbackend.api.url"));
        }
    }
}
