package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code restart NAME}: the backend that {@code start} started is stopped by identity and started
 * again as it was started, on the same port: the same URL, new processes. The jar as a process,
 * a real uvicorn app.
 */
class RestartIT {

    @TempDir
    Path temp;

    /** Each test's own state folder; after the test, every backend stopped and nothing of it left running. */
    @RegisterExtension
    final Cli cli = new Cli();

    @Test
    void restartStartsTheBackendAgainOnTheSamePortSoTheUrlStaysTheSame() throws Exception {
        Cli.Result start = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());
        assertThat(start.exit()).describedAs(start.toString()).isZero();
        URI url = URI.create(start.lastLine());
        List<Long> before = cli.tagged();

        Cli.Result restart = cli.run("restart", "api");

        assertThat(restart.exit()).describedAs(restart.toString()).isZero();
        assertThat(restart.lastLine()).isEqualTo(url.toString());
        assertThat(restart.err()).contains("[managed-backend] stopped backend 'api' (pid " + before.get(0) + "); starting "
                + "it again on port " + url.getPort() + "\n", "backend 'api' ready at " + url);
        assertThat(before).describedAs("the processes of the first start").noneMatch(Cli::isAlive);
        List<Long> after = cli.tagged();
        assertThat(after).describedAs("the processes of the second start").isNotEmpty().doesNotContainAnyElementsOf(before);
        assertThat(Cli.get(url + "/health")).isEqualTo(200);

        Cli.Result again = cli.run("restart", "api");
        assertThat(again.exit()).describedAs(again.toString()).isZero();
        assertThat(again.lastLine()).describedAs("a restart of a restart").isEqualTo(url.toString());

        Cli.Result stop = cli.run("stop", "api");
        assertThat(stop.exit()).describedAs(stop.toString()).isZero();
        assertThat(cli.tagged()).isEmpty();
    }

    @Test
    void restartOfABackendThatIsNotKnownFailsAndStartsNothing() throws Exception {
        Cli.Result restart = cli.run("restart", "web");

        assertThat(restart.exit()).isEqualTo(1);
        assertThat(restart.out()).isEmpty();
        assertThat(restart.err()).isEqualTo("managed-backend: no backend 'web' is known (none that start started runs); "
                + "start it with managed-backend start --name web ...\n");
        assertThat(cli.tagged()).isEmpty();
    }

    @Test
    void restartFromAnotherFolderIsRefusedAndLeavesTheBackendAlone() throws Exception {
        Cli.Result start = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());
        assertThat(start.exit()).describedAs(start.toString()).isZero();
        List<Long> running = cli.tagged();

        Cli.Result restart = cli.runIn(temp, "restart", "api");

        assertThat(restart.exit()).describedAs(restart.toString()).isEqualTo(2);
        String folder = Path.of("").toAbsolutePath().toString();
        assertThat(restart.err()).startsWith("managed-backend: backend 'api' was started in " + folder + ", and its "
                + "options name paths relative to that folder; restart it from there: cd " + Messages.shellWord(folder)
                + " && managed-backend restart api\n");
        assertThat(cli.tagged()).describedAs("left alone").containsExactlyElementsOf(running);
        assertThat(Cli.get(start.lastLine() + "/health")).isEqualTo(200);
    }
}
