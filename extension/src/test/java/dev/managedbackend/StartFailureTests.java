package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts that fail, with real processes: the class fails with a {@link BackendStartException}
 * that says what happened and shows the log, the failure comes as soon as it is certain (not at
 * the timeout), and nothing the start launched is left running ({@link OwnProcesses} checks after
 * every test).
 */
@ExtendWith(OwnProcesses.class)
class StartFailureTests {

    /** Outside the range the extension picks from (20000-32767) and below the ephemeral range. */
    static final int FIXED_PORT = 19876;
    private static final String NL = System.lineSeparator();
    private static final Path APPS = Path.of(DIR).toAbsolutePath();
    private static final String VENV_PYTHON = System.getenv("VIRTUAL_ENV") + "/bin/python";

    @Test
    void appThatFailsToImportShowsTheTracebackAndExitCodeAtOnce() {
        Failure failure = Failure.of(BrokenAppCases.class);

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (uvicorn apps.broken:app, "
                + "pid {pid}) exited with code 1 before it was ready, {n} ms after launch. The traceback "
                + "below shows an import error: check app = \"apps.broken:app\" (module:attribute, importable from "
                + "dir) and dir = \"" + APPS + "\", and that the app's dependencies are installed for {...}." + NL
                + "Log {log}, last lines:" + NL
                + "{...}  |     import module_that_does_not_exist  # noqa: F401" + NL
                + "{...}  | ModuleNotFoundError: No module named 'module_that_does_not_exist'");
        failure.assertStoppedAndLogged(message);
        failure.assertNotWaitedOut(Duration.ofSeconds(60)); // the default startupTimeoutSeconds
    }

    @Test
    void appThatRaisesAtImportGetsTheImportHintToo() {
        Failure failure = Failure.of(RaisesAtImportCases.class);

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (uvicorn apps.needs_env:app, "
                + "pid {pid}) exited with code 1 before it was ready, {n} ms after launch. The traceback below shows "
                + "an error raised while the app was imported: check what the module runs at import, such as the "
                + "environment variables it reads (env, inheritEnv); check app = \"apps.needs_env:app\" "
                + "(module:attribute, importable from dir) and dir = \"" + APPS + "\", and that the app's "
                + "dependencies are installed for {...}." + NL
                + "Log {log}, last lines:" + NL
                + "{...}  | KeyError: 'NEEDS_ENV_TOKEN'");
        failure.assertStoppedAndLogged(message);
    }

    @Test
    void interpreterThatDoesNotExist() {
        Failure failure = Failure.of(MissingPythonCases.class);

        assertThat(failure.message).isEqualTo("backend 'default': the Python interpreter /nonexistent/python "
                + "(from python = \"/nonexistent/python\") does not exist or is not executable. Set python to an "
                + "interpreter that has uvicorn installed (an absolute path, a path relative to dir, or a command "
                + "on the PATH), or leave it out to use " + APPS + "/.venv/bin/python, $VIRTUAL_ENV, python3 or python.");
    }

    @Test
    void interpreterWithoutUvicornSaysHowToInstallIt() {
        Failure failure = Failure.of(NoUvicornCases.class);

        Path python = APPS.resolve("bin/python-without-uvicorn");
        Matcher message = Messages.assertMatches(failure.message, "backend 'default': uvicorn is not installed "
                + "for the interpreter " + python + " (from python = \"bin/python-without-uvicorn\"). Install it "
                + "there (" + python + " -m pip install uvicorn), or point python (or a .venv in dir, or "
                + "$VIRTUAL_ENV) at an environment that has it." + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting " + python + " -m uvicorn apps.hello:app --port {n} --host "
                + "127.0.0.1  (in " + APPS + ")" + NL
                + "  | {...}: No module named uvicorn");
        assertThat(Path.of(message.group("log"))).exists();
    }

    @Test
    void healthCheckThatAnswers500TimesOutWithTheLastStatusAndBody() {
        Failure failure = Failure.of(UnhealthyCases.class);

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (uvicorn apps.unhealthy:app, "
                + "pid {pid}) was not ready within 4 s: GET http://127.0.0.1:{n}/health last answered HTTP 500 "
                + "{\"status\":\"database unreachable\"}. It was stopped. Check that GET /health answers 2xx once "
                + "the app is up (healthPath), or raise startupTimeoutSeconds if it needs longer." + NL
                + "Command: " + VENV_PYTHON + " -m uvicorn apps.unhealthy:app --port {n} --host 127.0.0.1" + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting " + VENV_PYTHON + " -m uvicorn apps.unhealthy:app --port {n} "
                + "--host 127.0.0.1  (in " + APPS + ")" + NL
                + "{...}\"GET /health HTTP/1.1\" 500 Internal Server Error{...}");
        failure.assertStoppedAndLogged(message);
        failure.assertGivenUpAt(Duration.ofSeconds(4));
    }

    @Test
    void healthCheckThatNeverAnswersTimesOut() {
        Failure failure = Failure.of(SilentCases.class);

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (uvicorn apps.silent:app, "
                + "pid {pid}) was not ready within 4 s: GET http://127.0.0.1:{n}/health got no answer (timed "
                + "out). It was stopped. Check that GET /health answers 2xx once the app is up (healthPath), or "
                + "raise startupTimeoutSeconds if it needs longer." + NL
                + "Command: " + VENV_PYTHON + " -m uvicorn apps.silent:app --port {n} --host 127.0.0.1" + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting {...}");
        failure.assertStoppedAndLogged(message);
        failure.assertGivenUpAt(Duration.ofSeconds(4));
    }

    @Test
    void aServerThatNeverListensTimesOutNamingThePort() {
        Failure failure = Failure.of(NeverListensCases.class);

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (sleep 30, pid {pid}) was not "
                + "ready within 1 s: port {n} on 127.0.0.1 is not listening yet (Connection refused). It was "
                + "stopped. Check that the server listens on the port it is given, or raise startupTimeoutSeconds "
                + "if it needs longer." + NL
                + "Command: sleep 30" + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting sleep 30  (in " + APPS + ")");
        failure.assertStoppedAndLogged(message);
    }

    @Test
    void aListenerOutsideTheBackendsProcessTreeNeverMakesItReady() throws Exception {
        // The command detaches the real server (a subshell that exits leaves it to init), so the
        // port answers GET / with 200, but from a process the extension did not start.
        Failure failure = Failure.of(DetachedServerCases.class);
        OwnProcesses.killAll(); // the detached server, if the stop did not reach it outside the tree

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (sh -c " + DETACH + ", pid "
                + "{pid}) was not ready within 5 s: port {n} is held by a process the extension did not start; "
                + "waiting for our backend to bind it. It was stopped. Check that GET / answers 2xx once the app is "
                + "up (healthPath), or raise startupTimeoutSeconds if it needs longer." + NL
                + "Command: sh -c (python3 -m http.server {n} --bind 127.0.0.1 &); sleep 30" + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting sh -c (python3 -m http.server {n} --bind 127.0.0.1 &); sleep 30  (in "
                + APPS + "){...}");
        failure.assertStoppedAndLogged(message);
    }

    @Test
    void commandThatExitsAtOnceFailsAtOnceWithItsExitCodeAndOutput() {
        Failure failure = Failure.of(ExitingCommandCases.class);

        Matcher message = Messages.assertMatches(failure.message, "backend 'default' (sh -c echo boom; exit 3, "
                + "pid {pid}) exited with code 3 before it was ready, {n} ms after launch." + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting sh -c echo boom; exit 3  (in " + APPS + ")" + NL
                + "  | boom");
        failure.assertStoppedAndLogged(message);
        failure.assertNotWaitedOut(Duration.ofSeconds(60)); // the default startupTimeoutSeconds
    }

    @Test
    void commandWhoseProgramDoesNotExist() {
        Failure failure = Failure.of(MissingProgramCases.class);

        Messages.assertMatches(failure.message, "backend 'default': could not run [no-such-program, --port, {n}] "
                + "in " + APPS + ": Cannot run program \"no-such-program\" (in directory \"" + APPS + "\"): "
                + "error=2, No such file or directory. Check that the program no-such-program exists and is "
                + "executable (command[0], resolved against the PATH).");
    }

    @Test
    void fixedPortThatIsTakenFailsFastAndIsNeverReplaced() throws IOException {
        Failure failure;
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FIXED_PORT));
            failure = Failure.of(FixedPortCases.class);
        }

        // the holder is this test JVM: named with its pid, and never touched
        Messages.assertMatches(failure.message, "backend 'default': port = 19876 on 127.0.0.1 is already in use by "
                + "pid " + ProcessHandle.current().pid() + " ({...}java{...}), user {...}, running for {...}: a foreign "
                + "process, which managed-backend never touches. A fixed port is used as given, never replaced: stop "
                + "what holds port 19876, choose another port, or leave port out (0) to let the extension pick a "
                + "free one.");
        failure.assertNotWaitedOut(Duration.ofSeconds(30)); // the fixture's startupTimeoutSeconds
    }

    /** How the class of a fixture failed. */
    private record Failure(String message, Duration took) {

        static Failure of(Class<?> fixture) {
            long start = System.nanoTime();
            Throwable failure = TestKit.classFailure(TestKit.run(fixture), fixture);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(failure).isExactlyInstanceOf(BackendStartException.class);
            return new Failure(failure.getMessage(), took);
        }

        /**
         * Failed before its startup timeout: the cause was recognised, not waited out. How much sooner
         * depends on the machine's load, so that is not asserted.
         */
        void assertNotWaitedOut(Duration startupTimeout) {
            assertThat(took).describedAs("time to fail").isLessThan(startupTimeout);
        }

        /** Given up at its startup timeout, not before, and not hung beyond it (60 s of room for a loaded machine). */
        void assertGivenUpAt(Duration startupTimeout) {
            assertThat(took).describedAs("time to fail").isGreaterThanOrEqualTo(startupTimeout)
                    .isLessThan(startupTimeout.plusSeconds(60));
        }

        /** The pid the message names is gone, and the log it names holds the lines it shows. */
        void assertStoppedAndLogged(Matcher message) {
            assertThat(OwnProcesses.isAlive(Long.parseLong(message.group("pid")))).isFalse();
            Path log = Path.of(message.group("log"));
            assertThat(log).exists();
            String shown = this.message.substring(this.message.indexOf("last lines:"));
            try {
                String content = Files.readString(log);
                shown.lines().skip(1).map(line -> line.substring("  | ".length()))
                        .filter(line -> !line.matches("\\(\\d+ more lines? like the one above\\)"))
                        .forEach(line -> assertThat(content).contains(line));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.broken:app")
    static class BrokenAppCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.needs_env:app")
    static class RaisesAtImportCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", python = "/nonexistent/python")
    static class MissingPythonCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", python = "bin/python-without-uvicorn")
    static class NoUvicornCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.unhealthy:app", startupTimeoutSeconds = 4)
    static class UnhealthyCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.silent:app", startupTimeoutSeconds = 4)
    static class SilentCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, command = {"sleep", "30"}, healthPath = "", startupTimeoutSeconds = 1)
    static class NeverListensCases {
        @Test
        void test() {
        }
    }

    static final String DETACH = "(python3 -m http.server {port} --bind {host} &); sleep 30";

    @ManagedBackend(dir = DIR, command = {"sh", "-c", DETACH}, healthPath = "/", startupTimeoutSeconds = 5)
    static class DetachedServerCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, command = {"sh", "-c", "echo boom; exit 3"})
    static class ExitingCommandCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, command = {"no-such-program", "--port", "{port}"})
    static class MissingProgramCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app", port = FIXED_PORT, startupTimeoutSeconds = 30)
    static class FixedPortCases {
        @Test
        void test() {
        }
    }
}
