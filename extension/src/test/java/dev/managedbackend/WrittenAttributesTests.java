package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * An attribute written on the annotation always wins over a configured default, even when it
 * equals the built-in default; and an attribute that does not apply to the backend's mode is a
 * configuration error rather than silently ignored.
 */
@ExtendWith(OwnProcesses.class)
class WrittenAttributesTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void scopeClassWrittenOutIsNotTurnedIntoAConfiguredRun() {
        // Reported: with managedbackend.scope=RUN, two classes that say scope = CLASS shared one backend.
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.SCOPE_PROPERTY_NAME, "RUN"),
                FirstClassScopedCases.class, SecondClassScopedCases.class);

        TestKit.assertAllPassed(results, 2);
        assertThat(SEEN.get("FirstClassScopedCases")).isNotNull().isNotEqualTo(SEEN.get("SecondClassScopedCases"));
    }

    @Test
    void theConfiguredScopeAppliesWhereScopeIsNotWritten() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.SCOPE_PROPERTY_NAME, "RUN"),
                FirstUnscopedCases.class, SecondUnscopedCases.class);

        TestKit.assertAllPassed(results, 2);
        assertThat(SEEN.get("FirstUnscopedCases")).isNotNull().isEqualTo(SEEN.get("SecondUnscopedCases"));
    }

    @Test
    void healthPathAndDirWrittenWithTheirBuiltInValuesWinOverConfiguredOnes() {
        // The configured health path does not exist and the configured dir has no app: the start
        // only succeeds if the written "/health" and the written dir are used.
        EngineExecutionResults results = TestKit.run(Map.of(
                ManagedBackend.HEALTH_PATH_PROPERTY_NAME, "/no-such-page",
                ManagedBackend.DIR_PROPERTY_NAME, "no-such-dir"), BuiltInValuesWrittenCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat((Path) SEEN.get("log")).content().contains("\"GET /health HTTP/1.1\" 200")
                .doesNotContain("/no-such-page");
    }

    @Test
    void pythonDoesNotApplyToACommand() {
        assertFailsWith(PythonWithCommandCases.class, "python = \"python3\" applies only to app backends (the "
                + "interpreter that runs uvicorn), but this backend is command (a command) and would ignore it. "
                + "Remove it (put the interpreter into command, e.g. {\"/path/to/python\", \"server.py\"}).");
    }

    @Test
    void containerPortDoesNotApplyToAnApp() {
        assertFailsWith(ContainerPortWithAppCases.class, "containerPort = 8000 applies only to image and "
                + "dockerfile backends, but this backend is app (a uvicorn app) and would ignore it. Remove it (use "
                + "port to fix the port a process listens on).");
    }

    @Test
    void dirDoesNotApplyToAnImage() {
        assertFailsWith(DirWithImageCases.class, "dir = \".\" applies only to process backends (their working "
                + "directory), but this backend is image (a container) and would ignore it. Remove it (the image "
                + "decides its working directory).");
    }

    @Test
    void inheritEnvDoesNotApplyToAnImage() {
        assertFailsWith(InheritEnvWithImageCases.class, "inheritEnv = BASE applies only to process backends, but "
                + "this backend is image (a container) and would ignore it. Remove it (a container never sees the "
                + "test JVM's environment; it gets only env).");
    }

    @Test
    void preforkDoesNotApplyToACommand() {
        assertFailsWith(PreforkWithCommandCases.class, "prefork = ON applies only to app backends (a uvicorn app "
                + "forked from a warm template), but this backend is command (a command) and would ignore it. Remove "
                + "it (only an app can be forked from a template).");
    }

    @Test
    void aConfiguredInheritEnvThatIsNotAChoice() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.INHERIT_ENV_PROPERTY_NAME, "some"),
                FirstUnscopedCases.class);

        assertThat(TestKit.classFailure(results, FirstUnscopedCases.class))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasCauseExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("Configuration parameter managedbackend.inheritEnv = \"some\" is not an inheritEnv "
                        + "choice; use one of ALL, BASE.");
    }

    private static void assertFailsWith(Class<?> fixture, String problem) {
        Throwable failure = TestKit.classFailure(TestKit.run(fixture), fixture);
        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@ManagedBackend(name = \"default\") on " + fixture.getName() + ": " + problem);
        OwnProcesses.assertNoneLeft();
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", scope = Scope.CLASS)
    static class FirstClassScopedCases {
        @Test
        void record(Backend backend) {
            SEEN.put("FirstClassScopedCases", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", scope = Scope.CLASS)
    static class SecondClassScopedCases {
        @Test
        void record(Backend backend) {
            SEEN.put("SecondClassScopedCases", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class FirstUnscopedCases {
        @Test
        void record(Backend backend) {
            SEEN.put("FirstUnscopedCases", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class SecondUnscopedCases {
        @Test
        void record(Backend backend) {
            SEEN.put("SecondUnscopedCases", backend.pid().getAsLong());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", healthPath = "/health")
    static class BuiltInValuesWrittenCases {
        @Test
        void record(Backend backend) {
            SEEN.put("log", backend.logFile());
        }
    }

    @ManagedBackend(command = {"python3", "-m", "http.server", "{port}"}, python = "python3")
    static class PythonWithCommandCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(command = {"python3", "-m", "http.server", "{port}"}, prefork = Prefork.ON)
    static class PreforkWithCommandCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", containerPort = 8000)
    static class ContainerPortWithAppCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(image = "sample-fastapi:dev", dir = ".")
    static class DirWithImageCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(image = "sample-fastapi:dev", inheritEnv = InheritEnv.BASE)
    static class InheritEnvWithImageCases {
        @Test
        void test() {
        }
    }
}
