package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start}, {@code status}, {@code who}, {@code stop} end to end: the jar as a process, a real
 * uvicorn app, and a backend that outlives the command that started it.
 */
class StartStopIT {

    @TempDir
    Path temp;

    /** Each test's own state folder; after the test, every backend stopped and nothing of it left running. */
    @RegisterExtension
    final Cli cli = new Cli();

    @Test
    void startOutlivesTheCommandThenStatusWhoAndStopFindIt() throws Exception {
        Cli.Result start = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());

        assertThat(start.exit()).describedAs(start.toString()).isZero();
        URI url = URI.create(start.lastLine());
        assertThat(url.toString()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(start.err()).contains("backend 'api' ready at " + url).contains("stop it with: managed-backend stop api");
        // the command has ended; its backend runs on, and is no child of ours
        assertThat(Cli.get(url + "/health")).isEqualTo(200);
        List<Long> backend = cli.tagged();
        assertThat(backend).describedAs("the backend's processes").isNotEmpty();

        Cli.Result status = cli.run("status");
        assertThat(status.exit()).describedAs(status.toString()).isZero();
        assertThat(status.out()).containsPattern("api\\s+" + backend.get(0) + "\\s+" + url + "\\s+healthy \\(200 GET "
                + "/health\\)\\s+\\d+ s\\s+\\S+\\.log");
        Cli.Result json = cli.run("status", "--json");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"name\": \"api\"", "\"pid\": " + backend.get(0), "\"url\": \"" + url + "\"",
                "\"healthy\": true", "\"state\": \"running\"");

        Cli.Result who = cli.run("who", Integer.toString(url.getPort()));
        assertThat(who.exit()).describedAs(who.toString()).isZero();
        assertThat(who.out()).startsWith("port " + url.getPort() + " is held by pid " + backend.get(0) + " (")
                .contains("uvicorn app.main:app", "backend 'api', which managed-backend start started to outlive it; "
                        + "stop it with managed-backend stop api");

        // a sweep, as every test JVM runs before its first backend, leaves a live one alone
        Cli.Result reap = cli.run("reap");
        assertThat(reap.out()).describedAs(reap.toString()).contains("nothing to reap");
        assertThat(Cli.get(url + "/health")).isEqualTo(200);

        Cli.Result stop = cli.run("stop", "api");
        assertThat(stop.exit()).describedAs(stop.toString()).isZero();
        assertThat(stop.err()).contains("stopped backend 'api' (pid " + backend.get(0) + ", " + url + ")");
        assertThat(backend).noneMatch(Cli::isAlive);
        assertThat(Cli.canBind(url.getPort())).isTrue();
        assertThat(Files.list(cli.state().resolve("ledger"))).isEmpty();

        assertThat(cli.run("who", Integer.toString(url.getPort())))
                .satisfies(free -> assertThat(free.exit()).isEqualTo(1))
                .satisfies(free -> assertThat(free.out()).isEqualTo("port " + url.getPort() + " is free.\n"));
        Cli.Result none = cli.run("status");
        assertThat(none.exit()).describedAs("none running is an answer, not a failure").isZero();
        assertThat(none.err()).contains("no backend that start started is running");
        Cli.Result named = cli.run("status", "api");
        assertThat(named.exit()).describedAs("the backend asked for by name is not running").isEqualTo(1);
        assertThat(named.err()).contains("no backend 'api' is running");
        assertThat(cli.run("stop", "api").exit()).describedAs("stop of what is gone").isZero();
    }

    @Test
    void aSecondStartWithTheNameOfARunningBackendFailsAndStartsNothing() throws Exception {
        Cli.Result first = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());
        assertThat(first.exit()).describedAs(first.toString()).isZero();
        List<Long> running = cli.tagged();

        Cli.Result second = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());

        assertThat(second.exit()).describedAs(second.toString()).isEqualTo(1);
        assertThat(second.err()).matches("(?s)managed-backend: backend 'api' is already running \\(pid " + running.get(0)
                + ", " + first.lastLine().replace(".", "\\.") + ", up \\d+ s\\): stop it first with managed-backend stop "
                + "api, or give this one another --name\\.\n");
        assertThat(second.out()).isEmpty();
        assertThat(cli.tagged()).describedAs("nothing new started").containsExactlyElementsOf(running);
        assertThat(Cli.get(first.lastLine() + "/health")).isEqualTo(200);

        Cli.Result other = cli.run("start", "--name", "web", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());
        assertThat(other.exit()).describedAs(other.toString()).isZero();
        assertThat(other.lastLine()).isNotEqualTo(first.lastLine());
        Cli.Result status = cli.run("status");
        assertThat(status.out()).contains("api", "web");
        Cli.Result stop = cli.run("stop", "--all");
        assertThat(stop.err()).contains("stopped backend 'api'", "stopped backend 'web'");
    }

    @Test
    void aFixedPortTakenByAForeignProcessFailsAtOnceNamingItAndLeavesItAlone() throws Exception {
        int port = 19931;
        Process holder = new ProcessBuilder("python3", "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(temp.resolve("holder.log").toFile()).start();
        try {
            assertThat(Cli.await(() -> !holder.isAlive() || Cli.listens(port), Duration.ofSeconds(60))).isTrue();
            assertThat(holder.isAlive()).describedAs("the holder of port %d is running", port).isTrue();

            long started = System.nanoTime();
            Cli.Result start = cli.run("start", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(), "--port",
                    Integer.toString(port));

            assertThat(start.exit()).describedAs(start.toString()).isEqualTo(1);
            assertThat(start.err()).startsWith("managed-backend: backend 'default': port = " + port + " on 127.0.0.1 "
                    + "is already in use by pid " + holder.pid() + " (").contains("http.server " + port,
                            ": a foreign process, which managed-backend never touches. A fixed port is used as given, "
                                    + "never replaced");
            // before the default 60 s --timeout: the taken port was recognised, not waited out
            assertThat(Duration.ofNanos(System.nanoTime() - started)).describedAs("fails at once, no waiting")
                    .isLessThan(Duration.ofSeconds(60));
            assertThat(holder.isAlive()).isTrue();

            Cli.Result who = cli.run("who", Integer.toString(port));
            assertThat(who.exit()).isZero();
            assertThat(who.out()).startsWith("port " + port + " is held by pid " + holder.pid() + " (")
                    .contains("a foreign process, which managed-backend never touches");
            assertThat(holder.isAlive()).isTrue();
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void envFileChangesOneKeyOfAnExistingEnvLocalAndStopGivesItBack() throws Exception {
        Path web = Files.createDirectories(temp.resolve("web"));
        Path envLocal = web.resolve(".env.local");
        String before = String.join("\n",
                "# the frontend's settings",
                "NEXT_PUBLIC_FEATURE=beta",
                "",
                "NEXT_PUBLIC_API_URL=http://localhost:8000\r",
                "export SECRET_TOKEN=\"s3cr3t value\"",
                "NEXT_PUBLIC_API_URL_SUFFIX=/v1") + "\n";
        Files.writeString(envLocal, before);

        Cli.Result start = cli.runIn(temp, "start", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                "--env-file", "web/.env.local", "--env-key", "NEXT_PUBLIC_API_URL");

        assertThat(start.exit()).describedAs(start.toString()).isZero();
        assertThat(Files.readString(envLocal)).describedAs("the file, its one CRLF line kept").isEqualTo(String.join("\n",
                "# the frontend's settings",
                "NEXT_PUBLIC_FEATURE=beta",
                "",
                "NEXT_PUBLIC_API_URL=" + start.lastLine() + "\r",
                "export SECRET_TOKEN=\"s3cr3t value\"",
                "NEXT_PUBLIC_API_URL_SUFFIX=/v1") + "\n");
        assertThat(start.err()).contains("set NEXT_PUBLIC_API_URL=" + start.lastLine() + " in web/.env.local; "
                + "managed-backend stop gives it back its value before start");

        // without --env-key: BACKEND_URL, in a file that does not exist yet
        Path fresh = temp.resolve("other/.env");
        Cli.Result second = cli.runIn(temp, "start", "--name", "second", "--app", "app.main:app", "--dir",
                Cli.SAMPLE.toString(), "--env-file", fresh.toString());
        assertThat(second.exit()).describedAs(second.toString()).isZero();
        assertThat(Files.readString(fresh)).isEqualTo("BACKEND_URL=" + second.lastLine() + "\n");

        Cli.Result stop = cli.run("stop", "--all");
        assertThat(stop.exit()).describedAs(stop.toString()).isZero();
        assertThat(stop.err()).contains("restored NEXT_PUBLIC_API_URL=http://localhost:8000 in " + envLocal
                + " (its line before the backend started)", "removed BACKEND_URL from " + fresh + " (it was not there before the backend started)");
        assertThat(Files.readString(envLocal)).isEqualTo(before);
        assertThat(Files.readString(fresh)).isEmpty();
    }

    @Test
    void anEnvFileThroughALinkOrOutsideTheProjectIsRefusedBeforeAnythingStarts() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Path bashrc = Files.writeString(home.resolve(".bashrc"), "alias ll='ls -l'\n");
        Path project = Files.createDirectories(temp.resolve("project"));
        Files.createDirectories(project.resolve("web"));
        Path link = Files.createSymbolicLink(project.resolve("web/.env.local"), bashrc);

        Cli.Result linked = cli.runIn(project, "start", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                "--env-file", "web/.env.local");

        assertThat(linked.exit()).describedAs(linked.toString()).isEqualTo(2);
        assertThat(linked.err()).startsWith("managed-backend: --env-file web/.env.local: " + link + " is a symbolic link "
                + "(to " + bashrc + "); the file is edited only where it is, never through a link");
        assertThat(Files.readString(bashrc)).isEqualTo("alias ll='ls -l'\n");
        assertThat(cli.tagged()).describedAs("nothing started").isEmpty();

        Cli.Result outside = cli.runIn(project, "start", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                "--env-file", "../home/.bashrc");
        assertThat(outside.exit()).describedAs(outside.toString()).isEqualTo(2);
        assertThat(outside.err()).startsWith("managed-backend: --env-file ../home/.bashrc is " + bashrc + ", outside "
                + "the project " + project + ":");
        assertThat(Files.readString(bashrc)).isEqualTo("alias ll='ls -l'\n");
        assertThat(cli.tagged()).describedAs("nothing started").isEmpty();
    }

    @Test
    void theSameOptionsComeFromAConfigFileAndTheCommandLineWins() throws Exception {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path config = project.resolve("backend.conf");
        Files.writeString(config, String.join("\n",
                "# one file instead of start-backend.sh, stop-backend.sh and check-backend.sh",
                "name = api",
                "app = app.main:app",
                "dir = " + Cli.SAMPLE, // outside the project: absolute (a relative path may not leave it)
                "env = FEATURE_FLAG=from-the-file",
                "--env-file web/.env.local",
                "env-key = NEXT_PUBLIC_API_URL",
                "health-path = /no-such-path") + "\n");

        Cli.Result start = cli.run("start", "--config", config.toString(), "--health-path", "/health");

        assertThat(start.exit()).describedAs(start.toString()).isZero();
        String url = start.lastLine();
        assertThat(Files.readString(project.resolve("web/.env.local"))).isEqualTo("NEXT_PUBLIC_API_URL=" + url + "\n");
        assertThat(cli.run("status", "api").exit()).isZero();

        Files.writeString(config, "ap = app.main:app\n");
        Cli.Result typo = cli.run("start", "--config", config.toString());
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).startsWith("managed-backend: " + config + " line 1: unknown option 'ap' for "
                + "managed-backend start; did you mean 'app'?");
    }

    @Test
    void aBackendWhoseProcessDiedIsReportedAndReaped() throws Exception {
        Cli.Result start = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString(),
                "--arg=--workers", "--arg=2");
        assertThat(start.exit()).describedAs(start.toString()).isZero();
        List<Long> processes = cli.tagged();
        Cli.Result status = cli.run("status", "--json");
        long root = Long.parseLong(status.out().replaceAll("(?s).*\"pid\": (\\d+).*", "$1"));
        assertThat(processes).contains(root).hasSizeGreaterThanOrEqualTo(2);

        ProcessHandle.of(root).orElseThrow().destroyForcibly(); // a crash of its root: the workers stay behind
        assertThat(Cli.await(() -> !Cli.isAlive(root), Duration.ofSeconds(5))).isTrue();

        Cli.Result dead = cli.run("status");
        assertThat(dead.exit()).describedAs(dead.toString()).isEqualTo(1);
        assertThat(dead.out()).contains("api", "UNHEALTHY (not running: its process " + root + " is gone");
        Cli.Result plan = cli.run("reap", "--dry-run");
        assertThat(plan.out()).describedAs(plan.toString()).contains(
                "would reap 1 backend left behind by a run that died (",
                "backend 'api' of managed-backend start, whose process died (pid " + root + ",");
        assertThat(cli.tagged()).describedAs("a dry run stops nothing").isNotEmpty();

        Cli.Result reap = cli.run("reap");

        assertThat(reap.exit()).isZero();
        assertThat(reap.out()).describedAs(reap.toString()).contains(
                "reaped 1 backend left behind by a run that died (",
                "backend 'api' of managed-backend start, whose process died (pid " + root + ",",
                "stopped ", " processes [").doesNotContain("entry", "entries", "ledger");
        assertThat(cli.tagged()).isEmpty();
        assertThat(cli.run("status").err()).contains("no backend that start started is running");
    }

    @Test
    void theStateFolderCanBeGivenAsAnOption() throws IOException, InterruptedException {
        Path other = temp.resolve("other-state");
        Cli.Result start = cli.run("start", "--state-dir", other.toString(), "--app", "app.main:app", "--dir",
                Cli.SAMPLE.toString());
        assertThat(start.exit()).describedAs(start.toString()).isZero();
        assertThat(start.err()).contains("stop it with: managed-backend stop default --state-dir " + other);
        assertThat(cli.run("status").err()).describedAs("another state folder: not seen")
                .contains("no backend that start started is running");
        assertThat(cli.run("status", "--state-dir", other.toString()).exit()).isZero();
        assertThat(cli.run("stop", "--state-dir", other.toString()).err()).contains("stopped backend 'default'");
    }

    @Test
    void logsPrintsTheBackendsLogAndFollowsItUntilItStops() throws Exception {
        Cli.Result start = cli.run("start", "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());
        assertThat(start.exit()).describedAs(start.toString()).isZero();
        String url = start.lastLine();

        Cli.Result logs = cli.run("logs", "api");
        assertThat(logs.exit()).describedAs(logs.toString()).isZero();
        assertThat(logs.out()).contains("Application startup complete");

        Cli.Spawned follow = cli.spawn(Map.of(), "logs", "-f", "api");
        assertThat(Cli.await(() -> read(follow).contains("Application startup complete"), Duration.ofSeconds(30)))
                .describedAs("logs -f printed the log so far").isTrue();
        assertThat(Cli.get(url + "/health?followed=1")).isEqualTo(200);
        assertThat(Cli.await(() -> read(follow).contains("/health?followed=1"), Duration.ofSeconds(30)))
                .describedAs("logs -f printed a line written after it began: %s", read(follow)).isTrue();
        assertThat(cli.run("stop", "api").exit()).isZero();
        Cli.Result followed = Cli.finish(follow);
        assertThat(followed.exit()).describedAs("logs -f ends once the backend has stopped: %s", followed).isZero();
        assertThat(followed.out()).contains("Application shutdown complete");

        Cli.Result unknown = cli.run("logs", "web");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no backend 'web' is known (none that start started runs); managed-backend "
                + "status lists them");
    }

    private static String read(Cli.Spawned spawned) {
        try {
            return spawned.stdout();
        } catch (IOException e) {
            return "";
        }
    }
}
