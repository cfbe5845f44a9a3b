package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;

/**
 * Bad input gets the library's named errors in the command line's words (its options, the
 * current directory), and nothing is left running. Each case is also started in this JVM through
 * {@link BackendBuilder}, the library's own entry point: the same kind of failure, and, where
 * the message names no attribute, the same message (up to the prefix that names where the
 * backend was described, and pids, ports, times and log paths).
 */
class BadInputIT {

    @TempDir
    Path temp;

    /** Each test's own state folder; after the test, every backend stopped and nothing of it left running. */
    @RegisterExtension
    final Cli cli = new Cli();

    @Test
    void noModeOrTwoModesIsAUsageError() throws Exception {
        Cli.Result none = cli.run("start", "--dir", Cli.SAMPLE.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("managed-backend: one of --app and --command must be set, but neither is. "
                + "Set --app module:attribute for a uvicorn app, or --command \"...\" for any other server.\nTry "
                + "'managed-backend start --help' for more information.\n");

        Cli.Result two = cli.run("start", "--app", "app.main:app", "--command", "python3 -m http.server {port}");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).startsWith("managed-backend: only one of --app and --command may be set, but --app "
                + "\"app.main:app\" and --command \"python3 -m http.server {port}\" are both set.");

        Cli.Result run = cli.run("run", "--dir", Cli.SAMPLE.toString(), "--", "true");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("managed-backend: exactly one of --app, --command, --image, --dockerfile must "
                + "be set, but none is. Set --app module:attribute for a uvicorn app, --command \"...\" for any other "
                + "server, or --image / --dockerfile for a container.\n");
    }

    @Test
    void startRunsNoContainerSinceTestcontainersRemovesItWithTheJvm() throws Exception {
        Cli.Result start = cli.run("start", "--image", "sample-fastapi:dev");
        assertThat(start.exit()).isEqualTo(2);
        assertThat(start.err()).startsWith("managed-backend: start runs process backends (--app, --command) only: a "
                + "container started through Testcontainers is removed when the JVM that started it exits");
    }

    @Test
    void aDirThatIsNoDirectoryIsSaidInTheCommandLinesWords() throws Exception {
        Cli.Result start = cli.runIn(temp, "start", "--app", "apps.hello:app", "--dir", "no/such/dir");
        assertFailed(start, 2, () -> BackendBuilder.app("apps.hello:app").dir("no/such/dir").start());
        Path here = temp.toRealPath();
        assertThat(start.err()).isEqualTo("managed-backend: backend 'default': --dir no/such/dir is not a directory "
                + "(resolved to " + here.resolve("no/such/dir") + " from the current directory " + here + "). Set --dir "
                + "to the app's folder, relative to the current directory or absolute.\n");
    }

    @Test
    void anAppThatIsNoUvicornTargetIsSaidInTheCommandLinesWords() throws Exception {
        Cli.Result start = cli.run("start", "--name", "api", "--app", "not a module", "--dir", Cli.FIXTURES.toString());
        assertFailed(start, 2, () -> BackendBuilder.app("not a module").dir(Cli.FIXTURES).start());
        assertThat(start.err()).isEqualTo("managed-backend: backend 'api': --app 'not a module' is not a uvicorn "
                + "target; write it as module:attribute, e.g. --app app.main:app.\n");
    }

    @Test
    void aHealthPathWithoutItsSlashIsSaidInTheCommandLinesWords() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", Cli.FIXTURES.toString(),
                "--health-path", "health");
        assertFailed(start, 2, () -> BackendBuilder.app("apps.hello:app").dir(Cli.FIXTURES).healthPath("health")
                .start());
        assertThat(start.err()).isEqualTo("managed-backend: backend 'default': --health-path health does not start "
                + "with '/'; write it as --health-path /health, or --health-path= to only wait for the port.\n");
    }

    @Test
    void anEnvReferenceToAnotherBackendIsSaidInTheCommandLinesWords() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", Cli.FIXTURES.toString(),
                "--env", "USERS=${users.url}");
        assertThat(start.exit()).isEqualTo(2);
        assertThat(start.err()).isEqualTo("managed-backend: backend 'default': --env refers to ${users...}, but a "
                + "backend started from the command line sees no other backend. Write the other backend's URL itself "
                + "(managed-backend status lists the URLs of running backends).\n");
        assertThat(cli.tagged()).isEmpty();
    }

    @Test
    void anImageNameThatIsNotOneIsBadInputSaidInTheCommandLinesWords() throws Exception {
        Cli.Result run = cli.run("run", "--image", "Not An Image", "--", "touch", temp.resolve("ran").toString());

        assertThat(run.exit()).describedAs(run.toString()).isEqualTo(2);
        assertThat(run.err()).endsWith("managed-backend: backend 'default': --image 'Not An Image' is not a valid image "
                + "name (Not An Image is not a valid Docker image name (in Not An Image)); write it as "
                + "[registry/]repository[:tag], e.g. --image my-app:dev.\n");
        assertThat(temp.resolve("ran")).describedAs("the command does not run without its backend").doesNotExist();
    }

    @Test
    void anImageThatIsNotThereIsSaidInTheCommandLinesWords() throws Exception {
        Cli.Result run = cli.run("run", "--image", "managed-backend-no-such-image:1", "--", "touch",
                temp.resolve("ran").toString());

        assertThat(run.exit()).describedAs(run.toString()).isEqualTo(1);
        String message = run.err().lines().filter(line -> line.startsWith("managed-backend: ")).findFirst().orElse("");
        assertThat(message).startsWith("managed-backend: backend 'default': --image managed-backend-no-such-image:1 is "
                + "not in the Docker engine and could not be pulled: ").endsWith(". Check the name, build it first "
                + "(docker build -t managed-backend-no-such-image:1 ...), or use --dockerfile path/to/Dockerfile to let "
                + "managed-backend build it.");
        assertThat(temp.resolve("ran")).describedAs("the command does not run without its backend").doesNotExist();
    }

    @Test
    void anInterpreterThatDoesNotExist() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", Cli.FIXTURES.toString(), "--python",
                "/no/such/python");
        assertFailed(start, 1, () -> BackendBuilder.app("apps.hello:app").dir(Cli.FIXTURES).python("/no/such/python")
                .start());
        assertThat(start.err()).isEqualTo("managed-backend: backend 'default': the Python interpreter /no/such/python "
                + "(from --python /no/such/python) does not exist or is not executable. Set --python to an interpreter "
                + "that has uvicorn installed (an absolute path, a path relative to --dir, or a command on the PATH), "
                + "or leave it out to use " + Cli.FIXTURES + "/.venv/bin/python, $VIRTUAL_ENV, python3 or python.\n");
    }

    @Test
    void anInterpreterWithoutUvicorn() throws Exception {
        String python = Cli.FIXTURES.resolve("bin/python-without-uvicorn").toString();
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", Cli.FIXTURES.toString(), "--python",
                python);
        assertFailed(start, 1, () -> BackendBuilder.app("apps.hello:app").dir(Cli.FIXTURES).python(python).start());
        assertThat(start.err()).contains("uvicorn is not installed for the interpreter " + python + " (from --python "
                + python + "). Install it there (" + python + " -m pip install uvicorn), or point --python (or a .venv "
                + "in --dir, or $VIRTUAL_ENV) at an environment that has it.",
                "No module named uvicorn");
    }

    @Test
    void anAppThatDoesNotImportShowsItsTraceback() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.broken:app", "--dir", Cli.FIXTURES.toString(), "--python",
                Cli.PYTHON.toString());
        assertFailed(start, 1, () -> BackendBuilder.app("apps.broken:app").dir(Cli.FIXTURES)
                .python(Cli.PYTHON.toString()).start());
        assertThat(start.err()).contains("exited with code 1 before it was ready",
                "The traceback below shows an import error: check --app apps.broken:app (module:attribute, "
                        + "importable from --dir) and --dir " + Cli.FIXTURES + ",", "last lines:",
                "ModuleNotFoundError: No module named 'module_that_does_not_exist'");

        Cli.Result run = cli.run("run", "--app", "apps.broken:app", "--dir", Cli.FIXTURES.toString(), "--python",
                Cli.PYTHON.toString(), "--", "touch", temp.resolve("ran").toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("The traceback below shows an import error");
        assertThat(temp.resolve("ran")).describedAs("the command does not run without its backend").doesNotExist();
    }

    @Test
    void aTimeoutShowsTheLogTail() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.silent:app", "--dir", Cli.FIXTURES.toString(), "--python",
                Cli.PYTHON.toString(), "--timeout", "2");
        assertFailed(start, 1, () -> BackendBuilder.app("apps.silent:app").dir(Cli.FIXTURES)
                .python(Cli.PYTHON.toString()).startupTimeoutSeconds(2).start());
        assertThat(start.err()).contains("was not ready within 2 s: GET http://127.0.0.1:", "/health got no answer",
                "answers 2xx once the app is up (--health-path), or raise --timeout if it needs longer.",
                "It was stopped.", "last lines:", "Uvicorn running on http://127.0.0.1:");
        assertThat(Files.list(cli.state().resolve("ledger"))).isEmpty();
    }

    /**
     * The command line failed with {@code exit}, printed nothing on stdout, left nothing running,
     * and the library fails the same way for the same backend; no message of it speaks Java.
     */
    private void assertFailed(Cli.Result cli, int exit, Supplier<Backend> library) throws Exception {
        assertThat(cli.exit()).describedAs(cli.toString()).isEqualTo(exit);
        assertThat(cli.out()).isEmpty();
        String message = cli.err().lines().findFirst().orElse(""); // the log's tail follows: the app's words
        assertThat(message).doesNotContain("test JVM", "BackendBuilder", "@ManagedBackend", " = \"", "..")
                .isNotEqualTo("managed-backend: ");
        assertThat(this.cli.tagged()).describedAs("left running by the failed start").isEmpty();
        Throwable failure = catchThrowable(() -> library.get().close());
        assertThat(failure).isInstanceOfAny(BackendConfigurationException.class, BackendStartException.class);
        assertThat(exit).isEqualTo(failure instanceof BackendConfigurationException ? 2 : 1);
    }
}
