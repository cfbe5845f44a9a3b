package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * How readiness is waited for, with real uvicorn apps: polls back off while the app answers but
 * is not ready, a health path that answers 404 fails within seconds, redirects within the backend
 * are followed, the user's global Awaitility defaults change nothing, and an interrupted start
 * ends at once and leaves nothing.
 */
@ExtendWith(OwnProcesses.class)
class ReadinessTests {

    private static final String NL = System.lineSeparator();

    @Test
    void aFailingHealthCheckIsPolledWithBackoffNotEveryFewMilliseconds() throws IOException {
        Throwable failure = TestKit.classFailure(TestKit.run(UnhealthyCases.class), UnhealthyCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        long requests = healthRequests(((BackendStartException) failure).logFile().orElseThrow());
        // polled every 10 ms, 4 s of 500s were over 300 requests; backing off to 2 a second: about 13
        assertThat(requests).isBetween(5L, 25L);
    }

    @Test
    void aHealthPathThatAnswers404FailsWithinSecondsSayingThePathIsProbablyWrong() {
        long started = System.nanoTime();
        Throwable failure = TestKit.classFailure(TestKit.run(TypoCases.class), TypoCases.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failure).isInstanceOf(BackendStartException.class);
        Messages.assertMatches(failure.getMessage(), "backend 'default' (uvicorn apps.hello:app, pid {pid}) answered "
                + "GET http://127.0.0.1:{n}/helth with HTTP 404 for 3 s after its port began to listen: healthPath = "
                + "\"/helth\" is probably wrong. The app's /openapi.json lists GET /health, /. Set healthPath to a "
                + "path that answers 2xx once the app is ready, or to \"\" to wait only until the port listens. It "
                + "was stopped." + NL
                + "Log {log}, last lines:" + NL
                + "{...}\"GET /helth HTTP/1.1\" 404 Not Found{...}");
        assertThat(took).isLessThan(Duration.ofSeconds(60)); // failed on the 404s, not at the default 60 s timeout
    }

    @Test
    void aRedirectWithinTheBackendIsFollowed() {
        TestKit.assertAllPassed(TestKit.run(TrailingSlashCases.class), 1);
    }

    @Test
    void aRedirectToAnotherOriginIsNotFollowed() {
        Throwable failure = TestKit.classFailure(TestKit.run(ForeignRedirectCases.class), ForeignRedirectCases.class);

        assertThat(failure).hasMessageContaining("/elsewhere last answered HTTP 307 redirecting to "
                + "http://example.invalid/health, which is not this backend, so not followed.");
    }

    @Test
    void theUsersGlobalAwaitilityDefaultsDoNotChangeReadiness() {
        Awaitility.ignoreExceptionsByDefault(); // would turn "exited" into a 60 s timeout
        Awaitility.setDefaultPollDelay(Duration.ofSeconds(30));
        try {
            long started = System.nanoTime();
            Throwable failure = TestKit.classFailure(TestKit.run(BrokenCases.class), BrokenCases.class);

            assertThat(failure).hasMessageContaining("exited with code 1 before it was ready");
            // not at the default 60 s timeout
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        } finally {
            Awaitility.reset();
        }
    }

    @Test
    void anInterruptedStartEndsAtOnceAndLeavesNothingRunning() throws Exception {
        AtomicReference<EngineExecutionResults> results = new AtomicReference<>();
        Thread run = new Thread(() -> results.set(TestKit.run(UnhealthyForAMinuteCases.class)), "interrupted start");
        run.start();
        // the backend answers 500 from now on: the start is in its HTTP polls
        await().atMost(Duration.ofSeconds(20)).until(() -> logOf("UnhealthyForAMinuteCases")
                .filter(log -> healthRequests(log) > 0).isPresent());

        long interrupted = System.nanoTime();
        run.interrupt();
        run.join(Duration.ofSeconds(60).toMillis());
        Duration took = Duration.ofNanos(System.nanoTime() - interrupted);

        assertThat(run.isAlive()).isFalse();
        // the app answers 500 for a minute: an end before the 60 s timeout is the interrupt's
        assertThat(took).isLessThan(Duration.ofSeconds(60));
        Throwable failure = TestKit.classFailure(results.get(), UnhealthyForAMinuteCases.class);
        Messages.assertMatches(failure.getMessage(), "backend 'default' (uvicorn apps.unhealthy:app, pid {pid}): the "
                + "start was interrupted while waiting for it to be ready; it was stopped.");
        OwnProcesses.assertNoneLeft();
    }

    private static final Pattern HEALTH_REQUEST = Pattern.compile("\"GET /health HTTP/1.1\" 500");

    private static long healthRequests(Path log) {
        try {
            Matcher matcher = HEALTH_REQUEST.matcher(Files.readString(log));
            return matcher.results().count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static java.util.Optional<Path> logOf(String fixture) throws IOException {
        Path logs = Path.of("target/managed-backend");
        if (!Files.isDirectory(logs)) {
            return java.util.Optional.empty();
        }
        try (var files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().startsWith("ReadinessTests_" + fixture + "-"))
                    .max(java.util.Comparator.comparing(f -> f.toFile().lastModified()));
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.unhealthy:app", startupTimeoutSeconds = 4)
    static class UnhealthyCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.unhealthy:app")
    static class UnhealthyForAMinuteCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", healthPath = "/helth")
    static class TypoCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.slash:app")
    static class TrailingSlashCases {
        @Test
        void test(@BackendUrl URI url) {
            assertThat(Http.get(url + "/health/").status()).isEqualTo(200);
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.slash:app", healthPath = "/elsewhere", startupTimeoutSeconds = 2)
    static class ForeignRedirectCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.broken:app")
    static class BrokenCases {
        @Test
        void test() {
        }
    }
}
