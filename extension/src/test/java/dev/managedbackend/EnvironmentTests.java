package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a process backend's environment holds: by default all of the test JVM's, with
 * {@code inheritEnv = BASE} only a small base; declared env and the extension's own variables
 * on top. The surefire configuration gives the test JVM {@code MANAGEDBACKEND_TEST_SECRET}, the
 * stand-in for a developer's {@code DATABASE_URL}.
 */
@ExtendWith(OwnProcesses.class)
class EnvironmentTests {

    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void byDefaultTheBackendInheritsTheTestJvmsEnvironment() {
        assertThat(System.getenv("MANAGEDBACKEND_TEST_SECRET")).describedAs("set by surefire").isNotNull();
        TestKit.assertAllPassed(TestKit.run(InheritingCases.class), 1);

        assertThat(SEEN).containsEntry("MANAGEDBACKEND_TEST_SECRET", "\"from-the-developer-shell\"")
                .containsEntry("PATH", "\"" + System.getenv("PATH") + "\"");
    }

    @Test
    void withBaseOnlyTheBaseAndTheDeclaredEnvReachTheBackend() {
        TestKit.assertAllPassed(TestKit.run(BaseCases.class), 1);

        assertThat(SEEN).containsEntry("MANAGEDBACKEND_TEST_SECRET", "null")
                .containsEntry("VIRTUAL_ENV", "null")
                .containsEntry("PATH", "\"" + System.getenv("PATH") + "\"")
                .containsEntry("DECLARED", "\"yes\"")
                .containsKey("PORT").doesNotContainEntry("PORT", "null");
    }

    @Test
    void baseCanBeTheConfiguredDefault() {
        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.INHERIT_ENV_PROPERTY_NAME, "base"),
                InheritingCases.class), 1);

        assertThat(SEEN).containsEntry("MANAGEDBACKEND_TEST_SECRET", "null");
    }

    @Test
    void allWrittenOutWinsOverAConfiguredBase() {
        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.INHERIT_ENV_PROPERTY_NAME, "BASE"),
                AllWrittenCases.class), 1);

        assertThat(SEEN).containsEntry("MANAGEDBACKEND_TEST_SECRET", "\"from-the-developer-shell\"");
    }

    private static void record(Backend backend, String... names) {
        for (String name : names) {
            String body = Http.get(backend.baseUrl() + "/env/" + name).body();
            SEEN.put(name, body.substring(body.indexOf("\"value\":") + "\"value\":".length(), body.length() - 1));
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.env:app")
    static class InheritingCases {
        @Test
        void record(Backend backend) {
            EnvironmentTests.record(backend, "MANAGEDBACKEND_TEST_SECRET", "PATH");
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.env:app", inheritEnv = InheritEnv.BASE, env = "DECLARED=yes")
    static class BaseCases {
        @Test
        void record(Backend backend) {
            EnvironmentTests.record(backend, "MANAGEDBACKEND_TEST_SECRET", "VIRTUAL_ENV", "PATH", "DECLARED", "PORT");
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.env:app", inheritEnv = InheritEnv.ALL)
    static class AllWrittenCases {
        @Test
        void record(Backend backend) {
            EnvironmentTests.record(backend, "MANAGEDBACKEND_TEST_SECRET");
        }
    }
}
