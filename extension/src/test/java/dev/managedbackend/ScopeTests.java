package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Who shares a backend and when it stops: {@link Scope#METHOD} and {@link Scope#RUN}. */
@ExtendWith(OwnProcesses.class)
class ScopeTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void methodScopeStartsAFreshBackendForEachTestAndStopsItAfterTheTest() {
        EngineExecutionResults results = TestKit.run(PerMethodCases.class);

        TestKit.assertAllPassed(results, 2);
        long first = (Long) SEEN.get("first pid");
        long second = (Long) SEEN.get("second pid");
        assertThat(second).isNotEqualTo(first);
        assertThat(SEEN).containsEntry("first alive during second", false)
                .containsEntry("field in first", SEEN.get("url in first"))
                .containsEntry("field in second", SEEN.get("url in second"));
        assertThat(OwnProcesses.isAlive(second)).isFalse();
    }

    @Test
    void runScopeSharesOneBackendBetweenClassesAndStopsItWhenTheRunEnds() {
        EngineExecutionResults results = TestKit.run(FirstRunScopedCases.class, SecondRunScopedCases.class);

        TestKit.assertAllPassed(results, 2);
        long first = (Long) SEEN.get("FirstRunScopedCases pid");
        assertThat(SEEN).containsEntry("SecondRunScopedCases pid", first)
                .containsEntry("SecondRunScopedCases url", SEEN.get("FirstRunScopedCases url"))
                .containsEntry("FirstRunScopedCases /health", 200)
                .containsEntry("SecondRunScopedCases /health", 200);
        assertThat(OwnProcesses.isAlive(first)).describedAs("RUN backend after the run").isFalse();
    }

    @Test
    void aClassBackendStopsWhenItsClassEndsNotWhenTheJvmExits() {
        // Reported on Jupiter 5.10-5.12, which close only Store.CloseableResource values.
        EngineExecutionResults results = TestKit.run(FirstClassCases.class, SecondClassCases.class);

        TestKit.assertAllPassed(results, 2);
        assertThat(SEEN).containsEntry("first alive during second", false);
        assertThat(OwnProcesses.isAlive((Long) SEEN.get("second pid"))).isFalse();
    }

    @Test
    void theUrlPropertyOfARunBackendIsGoneOnceItStops() {
        TestKit.assertAllPassed(TestKit.run(FirstRunScopedCases.class), 1);

        assertThat(System.getProperty("managedbackend.default.url")).isNull();
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class FirstClassCases {
        @Test
        void record(Backend backend) {
            SEEN.put("first pid", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class SecondClassCases {
        @Test
        void record(Backend backend) {
            SEEN.put("second pid", backend.pid().getAsLong());
            SEEN.put("first alive during second", OwnProcesses.isAlive((Long) SEEN.get("first pid")));
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", scope = Scope.METHOD)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerMethodCases {

        @BackendUrl
        String field;

        @Test
        @Order(1)
        void first(Backend backend, @BackendUrl String url) {
            SEEN.put("first pid", backend.pid().getAsLong());
            SEEN.put("url in first", url);
            SEEN.put("field in first", field);
        }

        @Test
        @Order(2)
        void second(Backend backend, @BackendUrl String url) {
            SEEN.put("second pid", backend.pid().getAsLong());
            SEEN.put("first alive during second", OwnProcesses.isAlive((Long) SEEN.get("first pid")));
            SEEN.put("url in second", url);
            SEEN.put("field in second", field);
        }
    }

    /** Both classes declare the same backend, so with scope RUN they share it. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(dir = DIR, app = "apps.hello:app", scope = Scope.RUN)
    @interface SharedHello {
    }

    @SharedHello
    static class FirstRunScopedCases {

        @Test
        void record(Backend backend) {
            SEEN.put("FirstRunScopedCases pid", backend.pid().getAsLong());
            SEEN.put("FirstRunScopedCases url", backend.baseUrl());
            SEEN.put("FirstRunScopedCases /health", Http.get(backend.baseUrl() + "/health").status());
        }
    }

    @SharedHello
    static class SecondRunScopedCases {

        @Test
        void record(Backend backend) {
            SEEN.put("SecondRunScopedCases pid", backend.pid().getAsLong());
            SEEN.put("SecondRunScopedCases url", backend.baseUrl());
            SEEN.put("SecondRunScopedCases /health", Http.get(backend.baseUrl() + "/health").status());
        }
    }
}
