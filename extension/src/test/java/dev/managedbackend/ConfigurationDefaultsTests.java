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
 * Defaults configured as JUnit configuration parameters ({@code junit-platform.properties},
 * {@code -D}): they apply where the annotation leaves an attribute at its default, lose to an
 * attribute that is set, and a bad one fails with the key, the value and the fix.
 */
@ExtendWith(OwnProcesses.class)
class ConfigurationDefaultsTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void aConfiguredDefaultAppliesWhereTheAttributeIsLeftAtItsDefault() {
        // /health of apps.unhealthy answers 500; /docs (FastAPI's own page) answers 200, so the
        // start only succeeds if the configured health path is used. dir comes from the config too.
        EngineExecutionResults results = TestKit.run(Map.of(
                ManagedBackend.HEALTH_PATH_PROPERTY_NAME, "/docs",
                ManagedBackend.DIR_PROPERTY_NAME, DIR), UnhealthyWithDefaultsCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat((Path) SEEN.get("log")).content().contains("\"GET /docs HTTP/1.1\" 200");
    }

    @Test
    void anAttributeThatIsSetWinsOverTheConfiguredDefault() {
        EngineExecutionResults results = TestKit.run(Map.of(
                ManagedBackend.HEALTH_PATH_PROPERTY_NAME, "/no-such-page",
                ManagedBackend.DIR_PROPERTY_NAME, "no-such-dir"), UnhealthyWithAttributesCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat((Path) SEEN.get("log")).content().contains("\"GET /openapi.json HTTP/1.1\" 200")
                .doesNotContain("/no-such-page");
    }

    @Test
    void aConfiguredDefaultThatIsNotANumber() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.STARTUP_TIMEOUT_PROPERTY_NAME, "abc"),
                HelloCases.class);

        assertThat(TestKit.classFailure(results, HelloCases.class))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter managedbackend.startupTimeoutSeconds = \"abc\" is not a "
                        + "whole number >= 1. Fix it in junit-platform.properties or the "
                        + "-Dmanagedbackend.startupTimeoutSeconds system property, or remove it to use the "
                        + "default 60.");
    }

    @Test
    void aConfiguredScopeThatIsNotAScope() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.SCOPE_PROPERTY_NAME, "suite"),
                HelloCases.class);

        assertThat(TestKit.classFailure(results, HelloCases.class))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter managedbackend.scope = \"suite\" is not a scope; use one "
                        + "of CLASS, METHOD, RUN.");
    }

    @Test
    void aConfiguredPortRangeThatIsNotARange() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.PORT_RANGE_PROPERTY_NAME, "80-90"),
                HelloCases.class);

        assertThat(TestKit.classFailure(results, HelloCases.class))
                .isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter managedbackend.portRange = \"80-90\" is not a port range "
                        + "FROM-TO with 1024 <= FROM <= TO <= 65535, e.g. 20000-32767.");
    }

    @ManagedBackend(app = "apps.unhealthy:app")
    static class UnhealthyWithDefaultsCases {
        @Test
        void started(Backend backend) {
            SEEN.put("log", backend.logFile());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.unhealthy:app", healthPath = "/openapi.json")
    static class UnhealthyWithAttributesCases {
        @Test
        void started(Backend backend) {
            SEEN.put("log", backend.logFile());
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class HelloCases {
        @Test
        void test() {
        }
    }
}
