package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run -- CMD}: a backend for the life of one command, with a test JVM's guarantees:
 * CMD's exit code passed on, nothing left behind, and nothing left within 2 s when {@code run}
 * itself is killed with SIGKILL (its watchdog, as for a test JVM; cf. CrashTeardownTests).
 */
class RunIT {

    /** The promise for a SIGKILLed run, as for a SIGKILLed test JVM. */
    private static final Duration BOUND = Duration.ofSeconds(2);

    @TempDir
    Path temp;

    /** Each test's own state folder; after the test, every backend stopped and nothing of it left running. */
    @RegisterExtension
    final Cli cli = new Cli();

    @Test
    void theCommandGetsTheUrlAndItsFailingExitCodeIsPassedOnAndNothingIsLeft() throws Exception {
        Path seen = temp.resolve("seen");
        Cli.Result run = cli.run("run", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                "--env-key", "NEXT_PUBLIC_API_URL", "--",
                "sh", "-c", "echo \"$MANAGED_BACKEND_URL $MANAGED_BACKEND_API_URL $NEXT_PUBLIC_API_URL\" > " + seen
                        + "; python3 -c \"import urllib.request, os; print(urllib.request.urlopen("
                        + "os.environ['MANAGED_BACKEND_URL'] + '/health').status)\"; exit 7");

        assertThat(run.exit()).describedAs(run.toString()).isEqualTo(7);
        assertThat(run.out()).isEqualTo("200\n");
        String[] urls = Files.readString(seen).strip().split(" ");
        assertThat(urls).hasSize(3).containsOnly(urls[0]);
        URI url = URI.create(urls[0]);
        assertThat(url.toString()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(run.err()).contains("backend 'api' ready at " + url, "backend 'api' stopped in");
        assertThat(cli.tagged()).isEmpty();
        assertThat(Cli.canBind(url.getPort())).isTrue();
        assertThat(Files.list(cli.state().resolve("ledger"))).isEmpty();
    }

    @Test
    void theEnvFileHoldsTheUrlWhileTheCommandRunsAndItsValueBeforeAfterwards() throws Exception {
        Path envLocal = Files.writeString(temp.resolve(".env.local"), "A=1\r\nBACKEND_URL=http://localhost:8000\r\n");
        Path seen = temp.resolve("seen");

        Cli.Result run = cli.runIn(temp, "run", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                "--env-file", ".env.local", "--", "sh", "-c", "cat .env.local > " + seen);

        assertThat(run.exit()).describedAs(run.toString()).isZero();
        String url = run.err().replaceAll("(?s).*set BACKEND_URL=(\\S+) in .*", "$1");
        assertThat(Files.readString(seen)).isEqualTo("A=1\r\nBACKEND_URL=" + url + "\r\n");
        assertThat(run.err()).contains("set BACKEND_URL=" + url + " in .env.local while the command runs",
                "restored BACKEND_URL=http://localhost:8000 in " + envLocal + " (its line before the backend started)");
        assertThat(Files.readString(envLocal)).isEqualTo("A=1\r\nBACKEND_URL=http://localhost:8000\r\n");
    }

    @Test
    void whatTheCommandLeavesRunningIsStoppedToo() throws Exception {
        Path pid = temp.resolve("pid");
        Cli.Result run = cli.run("run", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(), "--",
                "sh", "-c", "sleep 300 & echo $! > " + pid);

        assertThat(run.exit()).describedAs(run.toString()).isZero();
        long sleep = Long.parseLong(Files.readString(pid).strip());
        assertThat(Cli.isAlive(sleep)).isFalse();
        assertThat(run.err()).contains("stopped what the command left running: processes [" + sleep + "]");
    }

    @Test
    void aCommandThatCannotRunExitsWith127BeforeAnyBackendStarts() throws Exception {
        Cli.Result run = cli.run("run", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(), "--",
                "no-such-program-here", "--flag");

        assertThat(run.exit()).describedAs(run.toString()).isEqualTo(127);
        assertThat(run.err()).contains("managed-backend: run: CMD no-such-program-here: command not found in the PATH (",
                "check its spelling, or give its path (e.g. ./no-such-program-here)");
        assertThat(run.err()).describedAs("no backend was started for it").doesNotContain("ready at");
        assertThat(cli.tagged()).isEmpty();
    }

    @Test
    void aCommandThatIsNotExecutableExitsWith126BeforeAnyBackendStarts() throws Exception {
        Path script = Files.writeString(temp.resolve("test.sh"), "#!/bin/sh\necho hello\n");
        Cli.Result run = cli.run("run", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(), "--",
                script.toString());

        assertThat(run.exit()).describedAs(run.toString()).isEqualTo(126);
        assertThat(run.err()).contains("managed-backend: run: CMD " + script + " is not executable; make it so with "
                + "chmod +x " + script).doesNotContain("ready at");
        assertThat(cli.tagged()).isEmpty();
    }

    @Test
    void aContainerBackendLivesAsLongAsTheCommand() throws Exception {
        Cli.Result run = cli.run("run", "--name", "api", "--image", "sample-fastapi:dev", "--",
                "sh", "-c", "python3 -c \"import urllib.request, os; print(urllib.request.urlopen("
                        + "os.environ['MANAGED_BACKEND_API_URL'] + '/health').status)\"");

        assertThat(run.exit()).describedAs(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("200\n");
        assertThat(run.err()).contains("backend 'api' ready at http://", "(image sample-fastapi:dev, container ");
        String id = run.err().replaceAll("(?s).*, container ([0-9a-f]{12}).*", "$1");
        Process ps = new ProcessBuilder("docker", "ps", "-aq", "--filter", "id=" + id).redirectErrorStream(true).start();
        String containers = new String(ps.getInputStream().readAllBytes()).strip();
        ps.waitFor();
        assertThat(id).matches("[0-9a-f]{12}");
        assertThat(containers).describedAs("container %s left in the engine", id).isEmpty();
    }

    @Test
    void sigkillOfRunLeavesNothingWithinTwoSeconds() throws Exception {
        for (String workers : List.of("1", "2")) {
            Path url = temp.resolve("url-" + workers);
            Cli.Spawned run = cli.spawn(Map.of(), "run", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                    "--arg=--workers", "--arg=" + workers, "--",
                    "sh", "-c", "echo $MANAGED_BACKEND_URL > " + url + ".tmp; mv " + url + ".tmp " + url + "; sleep 600");
            assertThat(Cli.await(() -> Files.exists(url), Duration.ofSeconds(60))).describedAs("%s", run).isTrue();
            int port = URI.create(Files.readString(url).strip()).getPort();
            long jvm = run.process().pid();
            // uvicorn (and its workers), sh and sleep
            assertThat(Cli.await(() -> Cli.taggedBy(jvm).size() >= (workers.equals("1") ? 3 : 5), Duration.ofSeconds(10)))
                    .describedAs("tagged processes: %s", Cli.taggedBy(jvm)).isTrue();
            List<Long> tree = Cli.taggedBy(jvm);

            long killed = System.nanoTime();
            run.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(Cli.await(() -> tree.stream().noneMatch(Cli::isAlive) && Cli.canBind(port), Duration.ofSeconds(10)))
                    .describedAs("%s and port %d gone", tree, port).isTrue();
            Duration gone = Duration.ofNanos(System.nanoTime() - killed);
            System.out.printf("[cli] SIGKILL of run (--workers %s): %d processes gone and port %d free %d ms after%n",
                    workers, tree.size(), port, gone.toMillis());
            assertThat(gone).isLessThan(BOUND);
            assertThat(Cli.taggedBy(jvm)).isEmpty();
            assertThat(Cli.await(() -> {
                try (var entries = Files.list(cli.state().resolve("ledger"))) {
                    return entries.findAny().isEmpty();
                } catch (java.io.IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(5))).describedAs("the watchdog removed the run's ledger entry").isTrue();
        }
    }
}
