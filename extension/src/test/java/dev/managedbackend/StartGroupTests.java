package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Backends of one class start together, and fail together: one failure stops the others at once. */
@ExtendWith(OwnProcesses.class)
class StartGroupTests {

    @Test
    void whenOneStartFailsTheOthersAreStoppedAtOnceNotAfterTheirTimeouts() {
        long started = System.nanoTime();
        Throwable failure = TestKit.classFailure(TestKit.run(OneBrokenCases.class), OneBrokenCases.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failure).isInstanceOf(BackendStartException.class)
                .hasMessageContaining("backend 'broken' (uvicorn apps.broken:app");
        assertThat(failure.getSuppressed()).describedAs("the interrupted start is not a second failure").isEmpty();
        // 'waiting' would wait its 60 s startupTimeoutSeconds for a /health that never answers 2xx
        assertThat(took).isLessThan(Duration.ofSeconds(60));
        OwnProcesses.assertNoneLeft();
    }

    @Test
    void aBackendThatWaitsForAFailedOneIsNotStartedAtAll() {
        Throwable failure = TestKit.classFailure(TestKit.run(DependentOnBrokenCases.class), DependentOnBrokenCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class)
                .hasMessageContaining("backend 'broken' (uvicorn apps.broken:app");
        assertThat(failure.getSuppressed()).isEmpty();
        OwnProcesses.assertNoneLeft();
    }

    @ManagedBackend(name = "waiting", dir = DIR, app = "apps.unhealthy:app")
    @ManagedBackend(name = "broken", dir = DIR, app = "apps.broken:app")
    static class OneBrokenCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(name = "dependent", dir = DIR, app = "apps.hello:app", env = "GREETING=${broken.url}")
    @ManagedBackend(name = "broken", dir = DIR, app = "apps.broken:app")
    @ManagedBackend(name = "healthy", dir = DIR, app = "apps.hello:app")
    static class DependentOnBrokenCases {
        @Test
        void test() {
        }
    }
}
