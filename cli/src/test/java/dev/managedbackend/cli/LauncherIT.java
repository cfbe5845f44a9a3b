package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar runs on its own (copied anywhere, no classpath but itself), and the {@code
 * managed-backend} launcher script runs it from the PATH, through a link, as the README sets it up.
 */
class LauncherIT {

    private static final String VERSION = System.getProperty("cli.version", "0.1.0-SNAPSHOT");

    @TempDir
    Path temp;

    @Test
    void theJarRunsOnItsOwnFromAnyFolder() throws Exception {
        Path copy = Files.copy(Cli.JAR, temp.resolve("managed-backend-cli.jar"));

        Run version = run(temp, List.of(Cli.JAVA.toString(), "-jar", copy.toString(), "--version"), null);

        assertThat(version.exit).describedAs(version.output).isZero();
        assertThat(version.output).isEqualTo("managed-backend " + VERSION + "\n");
    }

    @Test
    void theLauncherOnThePathRunsTheJar() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("managed-backend"), Cli.LAUNCHER.toAbsolutePath());
        String path = bin + ":" + System.getenv("PATH");

        Run version = run(temp, List.of("sh", "-c", "managed-backend --version"), path);
        assertThat(version.exit).describedAs(version.output).isZero();
        assertThat(version.output).isEqualTo("managed-backend " + VERSION + "\n");

        Run help = run(temp, List.of("sh", "-c", "managed-backend start --help"), path);
        assertThat(help.exit).isZero();
        assertThat(help.output).startsWith("Usage: managed-backend start ").contains("--app=MODULE:ATTRIBUTE",
                "--env-file=PATH", "--config=FILE");

        Run typo = run(temp, List.of("sh", "-c", "managed-backend stpo"), path);
        assertThat(typo.exit).describedAs("a usage error").isEqualTo(2);
        assertThat(typo.output).contains("Unmatched argument at index 0: 'stpo'", "Did you mean: managed-backend stop");

        Run option = run(temp, List.of("sh", "-c", "managed-backend status --jsn"), path);
        assertThat(option.exit).isEqualTo(2);
        assertThat(option.output).contains("Unknown option: '--jsn'", "--json");
    }

    @Test
    void everyCommandHasHelp() throws Exception {
        for (String command : List.of("start", "stop", "status", "who", "reap", "run", "logs")) {
            Run help = run(temp, List.of(Cli.JAVA.toString(), "-jar", Cli.JAR.toString(), command, "--help"), null);
            assertThat(help.exit).describedAs(command + " --help: " + help.output).isZero();
            assertThat(help.output).startsWith("Usage: managed-backend " + command);
        }
    }

    @Test
    void theCompletionScriptLoadsInBashAndKnowsTheCommandsAndTheirOptions() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("managed-backend"), Cli.LAUNCHER.toAbsolutePath());
        String path = bin + ":" + System.getenv("PATH");

        Run script = run(temp, List.of("sh", "-c", "managed-backend completion"), path);
        assertThat(script.exit).describedAs(script.output).isZero();
        assertThat(script.output).contains("bashcompinit", "start stop restart status who reap run logs completion",
                "--env-file", "--health-path", "--dry-run");

        Run loaded = run(temp, List.of("bash", "-c", "source <(managed-backend completion) && complete -p managed-backend"),
                path);
        assertThat(loaded.exit).describedAs(loaded.output).isZero();
        assertThat(loaded.output).contains("-F _complete_managed-backend managed-backend");
    }

    @Test
    void aStartLongerThanASecondShowsOneProgressLineOnATerminalAndErasesIt() throws Exception {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("managed-backend"), Cli.LAUNCHER.toAbsolutePath());
        String path = bin + ":" + System.getenv("PATH");
        Path state = temp.resolve("state");
        // a server that takes 2 s to listen (its start, not this test, waits)
        String server = "sh -c 'sleep 2; exec " + Cli.PYTHON + " -m http.server {port} --bind 127.0.0.1'";
        String start = "managed-backend start --state-dir " + state + " --name slow --health-path= --command \""
                + server + "\"";
        try {
            // script(1) runs it on a pseudo-terminal, as a person at a terminal would
            Run run = run(temp, List.of("script", "-qec", start, "/dev/null"), path);

            assertThat(run.exit).describedAs(run.output).isZero();
            assertThat(run.output).contains("\r\033[K[managed-backend] starting backend 'slow'... 1 s",
                    "[managed-backend] backend 'slow' runs").containsPattern("http://127\\.0\\.0\\.1:\\d+\\s*$");
            assertThat(run.output.substring(run.output.lastIndexOf("starting backend 'slow'")))
                    .describedAs("the progress line is erased before the lines that stay").contains("\r\033[K");
        } finally {
            run(temp, List.of("sh", "-c", "managed-backend stop --all --state-dir " + state), path);
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, List<String> command, String path) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (path != null) {
            builder.environment().put("PATH", path);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        }
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
