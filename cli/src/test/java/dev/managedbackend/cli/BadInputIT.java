package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;

/**
 * Bad input gets the annotation's named errors, and nothing is left running. Each case is also
 * started in this JVM through {@link BackendBuilder}, the library's own entry point, and the
 * two messages must be the same (up to the prefix that names where the backend was described,
 * and pids, ports, times and log paths).
 */
class BadInputIT {

    @TempDir
    Path temp;

    private Cli cli;

    @BeforeEach
    void cli() {
        cli = new Cli(temp);
    }

    @AfterEach
    void nothingLeft() throws Exception {
        cli.close();
    }

    @Test
    void noModeOrTwoModesIsAUsageError() throws Exception {
        Cli.Result none = cli.run("start", "--dir", Cli.SAMPLE.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).isEqualTo("managed-backend: exactly one of --app, --command, --image, --dockerfile must "
                + "be set, but none is. Set --app module:attribute for a uvicorn app, --command \"...\" for any other "
                + "server, or --image / --dockerfile for a container.\nTry 'managed-backend start --help' for more "
                + "information.\n");

        Cli.Result two = cli.run("start", "--app", "app.main:app", "--command", "python3 -m http.server {port}");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).startsWith("managed-backend: exactly one of --app, --command, --image, --dockerfile must "
                + "be set, but --app \"app.main:app\" and --command \"python3 -m http.server {port}\" are all set.");
    }

    @Test
    void startRunsNoContainerSinceTestcontainersRemovesItWithTheJvm() throws Exception {
        Cli.Result start = cli.run("start", "--image", "sample-fastapi:dev");
        assertThat(start.exit()).isEqualTo(2);
        assertThat(start.err()).startsWith("managed-backend: start runs process backends (--app, --command) only: a "
                + "container started through Testcontainers is removed when the JVM that started it exits");
    }

    @Test
    void aDirThatIsNoDirectory() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", "no/such/dir");
        assertSame(start, 2, () -> BackendBuilder.app("apps.hello:app").dir("no/such/dir").start());
        assertThat(start.err()).contains("dir = \"no/such/dir\" is not a directory");
    }

    @Test
    void anAppThatIsNoUvicornTarget() throws Exception {
        Cli.Result start = cli.run("start", "--app", "not a module", "--dir", Cli.FIXTURES.toString());
        assertSame(start, 2, () -> BackendBuilder.app("not a module").dir(Cli.FIXTURES).start());
        assertThat(start.err()).contains("app = \"not a module\" is not a uvicorn target");
    }

    @Test
    void anInterpreterThatDoesNotExist() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", Cli.FIXTURES.toString(), "--python",
                "/no/such/python");
        assertSame(start, 1, () -> BackendBuilder.app("apps.hello:app").dir(Cli.FIXTURES).python("/no/such/python")
                .start());
        assertThat(start.err()).contains("the Python interpreter /no/such/python (from python = \"/no/such/python\") "
                + "does not exist or is not executable");
    }

    @Test
    void anInterpreterWithoutUvicorn() throws Exception {
        String python = Cli.FIXTURES.resolve("bin/python-without-uvicorn").toString();
        Cli.Result start = cli.run("start", "--app", "apps.hello:app", "--dir", Cli.FIXTURES.toString(), "--python",
                python);
        assertSame(start, 1, () -> BackendBuilder.app("apps.hello:app").dir(Cli.FIXTURES).python(python).start());
        assertThat(start.err()).contains("uvicorn is not installed for the interpreter " + python,
                "No module named uvicorn");
    }

    @Test
    void anAppThatDoesNotImportShowsItsTraceback() throws Exception {
        Cli.Result start = cli.run("start", "--app", "apps.broken:app", "--dir", Cli.FIXTURES.toString(), "--python",
                Cli.PYTHON.toString());
        assertSame(start, 1, () -> BackendBuilder.app("apps.broken:app").dir(Cli.FIXTURES)
                .python(Cli.PYTHON.toString()).start());
        assertThat(start.err()).contains("exited with code 1 before it was ready",
                "The traceback below shows an import error: check app = \"apps.broken:app\"", "last lines:",
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
        assertSame(start, 1, () -> BackendBuilder.app("apps.silent:app").dir(Cli.FIXTURES)
                .python(Cli.PYTHON.toString()).startupTimeoutSeconds(2).start());
        assertThat(start.err()).contains("was not ready within 2 s: GET http://127.0.0.1:", "/health got no answer",
                "It was stopped.", "last lines:", "Uvicorn running on http://127.0.0.1:");
        assertThat(Files.list(cli.state().resolve("ledger"))).isEmpty();
    }

    /**
     * The command line failed with {@code exit}, printed nothing on stdout, left nothing running,
     * and its message is the one the library gives for the same backend (first lines compared).
     */
    private void assertSame(Cli.Result cli, int exit, Supplier<Backend> library) throws Exception {
        assertThat(cli.exit()).describedAs(cli.toString()).isEqualTo(exit);
        assertThat(cli.out()).isEmpty();
        assertThat(this.cli.tagged()).describedAs("left running by the failed start").isEmpty();
        Throwable failure = catchThrowable(() -> library.get().close());
        assertThat(failure).isInstanceOfAny(BackendConfigurationException.class, BackendStartException.class);
        assertThat(exit).isEqualTo(failure instanceof BackendConfigurationException ? 2 : 1);
        assertThat(firstLine(cli.err())).isEqualTo(firstLine(failure.getMessage()));
    }

    /** The first line, without what names the place of the description, and with numbers and logs masked. */
    private static String firstLine(String message) {
        return message.strip().split("\n")[0]
                .replaceFirst("^managed-backend: ", "")
                .replaceFirst("^(backend|BackendBuilder)( '[^']*')?: ", "")
                .replaceAll("/\\S+\\.log", "<log>")
                .replaceAll("\\d+", "<n>");
    }
}
