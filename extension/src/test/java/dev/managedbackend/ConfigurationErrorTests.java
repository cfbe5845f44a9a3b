package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Declarations that cannot work fail the class before anything starts, with a message that
 * names the backend, the class, the attribute, the rule, the value and the fix.
 */
@ExtendWith(OwnProcesses.class)
class ConfigurationErrorTests {

    @Test
    void noneOfAppCommandImageDockerfile() {
        assertFailsWith(NoModeCases.class, "exactly one of app, command, image, dockerfile must be set, "
                + "but none is. Set app = \"module:attribute\" for a uvicorn app, command = {...} for any "
                + "other server, or image / dockerfile for a container.");
    }

    @Test
    void severalOfAppCommandImageDockerfile() {
        assertFailsWith(SeveralModesCases.class, "exactly one of app, command, image, dockerfile must be set, "
                + "but app = \"apps.hello:app\" and command = [python3, -m, http.server] and image = \"python:3\" "
                + "are all set. Keep the one that starts this backend and declare others as separate "
                + "@ManagedBackend with their own name.");
    }

    @Test
    void missingDir() {
        Path workingDir = Path.of("").toAbsolutePath();
        assertFailsWith(MissingDirCases.class, "dir = \"src/test/no-such-dir\" is not a directory (resolved to "
                + workingDir.resolve("src/test/no-such-dir") + " from the working directory " + workingDir
                + "). Set dir to the app's folder, relative to the test JVM's working directory or absolute.");
    }

    @Test
    void portAbove65535() {
        assertFailsWith(PortTooHighCases.class, "port = 70000 is outside 1..65535; use 0 to let the extension "
                + "pick a free port, or a port from 1 to 65535.");
    }

    @Test
    void negativePort() {
        assertFailsWith(NegativePortCases.class, "port = -1 is outside 1..65535; use 0 to let the extension "
                + "pick a free port, or a port from 1 to 65535.");
    }

    @Test
    void zeroStartupTimeout() {
        assertFailsWith(ZeroTimeoutCases.class, "startupTimeoutSeconds = 0 is not positive; give the backend "
                + "at least 1 second to start.");
    }

    @Test
    void healthPathWithoutLeadingSlash() {
        assertFailsWith(RelativeHealthPathCases.class, "healthPath = \"health\" does not start with '/'; "
                + "write it as \"/health\", or \"\" to only wait for the port.");
    }

    @Test
    void envEntryWithoutEquals() {
        assertFailsWith(EnvWithoutEqualsCases.class, "env entry \"NOEQUALS\" is not KEY=VALUE with KEY made "
                + "of letters, digits and '_' (not starting with a digit); write it as e.g. \"LOG_LEVEL=debug\".");
    }

    @Test
    void envKeyStartingWithADigit() {
        assertFailsWith(EnvKeyWithDigitCases.class, "env entry \"1BAD=x\" is not KEY=VALUE with KEY made "
                + "of letters, digits and '_' (not starting with a digit); write it as e.g. \"LOG_LEVEL=debug\".");
    }

    @Test
    void uvicornArgsWithPort() {
        assertFailsWith(PortInArgsCases.class, "args = [--port, 9000] contains --port; the extension passes "
                + "the port itself and needs a TCP port to check. Use the port attribute instead.");
    }

    @Test
    void appWithoutColon() {
        assertFailsWith(AppWithoutColonCases.class, "app = \"no-colon\" is not a uvicorn target; write it as "
                + "\"module:attribute\", e.g. \"app.main:app\".");
    }

    @Test
    void duplicateNames() {
        Throwable failure = TestKit.classFailure(TestKit.run(DuplicateNameCases.class), DuplicateNameCases.class);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage(DuplicateNameCases.class.getName() + " declares two backends with name = "
                        + "\"api\"; names must be distinct within a test class. Give each one its own name, "
                        + "e.g. @ManagedBackend(name = \"users\", ...) or BackendBuilder.name(\"users\").");
    }

    /** The class fails in beforeAll with {@code where: problem}, and no test runs. */
    private static void assertFailsWith(Class<?> fixture, String problem) {
        Throwable failure = TestKit.classFailure(TestKit.run(fixture), fixture);

        assertThat(failure).isExactlyInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@ManagedBackend(name = \"default\") on " + fixture.getName() + ": " + problem);
    }

    @ManagedBackend(dir = DIR)
    static class NoModeCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", command = {"python3", "-m", "http.server"}, image = "python:3")
    static class SeveralModesCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = "src/test/no-such-dir", app = "apps.hello:app")
    static class MissingDirCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", port = 70000)
    static class PortTooHighCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", port = -1)
    static class NegativePortCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", startupTimeoutSeconds = 0)
    static class ZeroTimeoutCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", healthPath = "health")
    static class RelativeHealthPathCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = {"GREETING=hi", "NOEQUALS"})
    static class EnvWithoutEqualsCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", env = "1BAD=x")
    static class EnvKeyWithDigitCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", args = {"--port", "9000"})
    static class PortInArgsCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "no-colon")
    static class AppWithoutColonCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(name = "api", dir = DIR, app = "apps.hello:app")
    @ManagedBackend(name = "api", dir = DIR, command = {"python3", "-m", "http.server", "{port}"})
    static class DuplicateNameCases {
        @Test
        void test() {
        }
    }
}
