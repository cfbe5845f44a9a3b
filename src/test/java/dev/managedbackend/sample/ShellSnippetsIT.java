package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell snippets of the README and the user guide: every {@code bash} and {@code console}
 * block, unless {@link #NOT_RUN} names it with the reason. They run as a user runs them, with the
 * {@code managed-backend} launcher of this clone ({@code cli/bin}, the jar this build made) on the
 * {@code PATH}, in a folder laid out as the pages assume ({@code backend/} is sample-fastapi with its
 * {@code .venv}, {@code web/.env.local}, {@code backend.conf} as the command-line page shows it),
 * with a home of their own (so the state folder is {@code ~/.cache/managed-backend}, as shown, and not
 * the user's). The pages' {@code /home/me} and {@code ~} stand for that home.
 * {@code pytest}, {@code npx} and {@code npm} stand for the user's own test tools: each asks the
 * backend's {@code /health} at {@code $MANAGED_BACKEND_URL} (or nothing, for {@code npm run dev})
 * and fails if it does not answer. A {@code bash} block must exit 0; in a {@code console} block each
 * {@code $ command} runs and what it prints must be what the page shows, numbers and hex ids
 * (ports, pids, times, log names) and column padding aside.
 */
class ShellSnippetsIT {

    /**
     * The one list of shell snippets that are not run here, each with the reason: the page, a
     * colon, and the block's first line. BENCHMARKS.md (and docs/benchmarks.md, made from it) is not
     * read: its commands are benchmark runs of minutes; scripts/check-snippets.py checks that the
     * scripts they name exist.
     */
    static final Map<String, String> NOT_RUN = Map.ofEntries(
            Map.entry("README.md: scripts/setup.sh && scripts/verify.sh    # the test command CI runs (.ci/run), "
                    + "as on a developer's machine", "it is CI itself: .ci/run runs scripts/setup.sh and scripts/verify.sh"),
            Map.entry("docs/contributing.md: scripts/setup.sh && scripts/verify.sh -DskipExtensionTests   # the sample "
                    + "integration suite", "it is CI itself: .ci/run runs scripts/setup.sh and scripts/verify.sh"),
            Map.entry("docs/contributing.md: scripts/docs.sh        # installs mkdocs if missing (root), builds "
                    + "target/site; open target/site/index.html", "it is CI itself: .ci/run runs scripts/docs.sh"),
            Map.entry("docs/containers.md: scripts/setup-docker.sh        # apt-get install docker.io, start dockerd "
                    + "on its unix socket only (scripts/stop-docker.sh stops it)",
                    "it is CI's set-up (scripts/setup.sh runs these scripts; .ci/run then the Maven build with "
                            + "these settings, from scripts/machine.env); as root, installs Docker"),
            Map.entry("docs/release.md: mvn -B -f extension/pom.xml -Prelease clean deploy",
                    "CI runs it (scripts/deps-matrix.sh, with -DskipTests); a Maven build inside a test"),
            Map.entry("docs/getting-started.md: mvn -B -f extension/pom.xml install -DskipTests",
                    "writes into the user's ~/.m2 (CI builds the same jar in its reactor); a Maven build inside a test"),
            Map.entry("docs/getting-started.md: python3 -m venv sample-fastapi/.venv",
                    "needs a Python package index, which this machine has not (scripts/setup-python.sh makes the "
                            + "same venv, with Debian's packages where the index fails)"),
            Map.entry("docs/command-line.md: mkdir -p ~/.local/opt ~/.local/bin && tar -xzf "
                    + "managed-backend-0.1.0-SNAPSHOT-linux-x64.tar.gz -C ~/.local/opt",
                    "needs the release archive, built with a JDK 25 only by cli DistributionIT (-Ddist.skip=false)"),
            Map.entry("docs/getting-started-terminal.md: mkdir -p ~/.local/opt ~/.local/bin && tar -xzf "
                    + "managed-backend-0.1.0-SNAPSHOT-linux-x64.tar.gz -C ~/.local/opt",
                    "needs the release archive, built with a JDK 25 only by cli DistributionIT (-Ddist.skip=false)"),
            Map.entry("docs/command-line.md: mvn -B -ntp -pl cli -am package -DskipTests -Ddist.skip=true",
                    "a Maven build inside a test; CI's own build makes the same jar, which these snippets run"),
            Map.entry("docs/command-line.md: $ managed-backend who 8000",
                    "needs port 8000 held by another user's process; the messages are cli WhoIT's"));

    /** Commands that must run before a block, for the state it starts from. */
    static final Map<String, String> GIVEN = Map.of(
            "docs/command-line.md: $ managed-backend start --name api --app app.main:app --dir backend",
            "managed-backend start --name api --app app.main:app --dir backend >/dev/null 2>&1");

    private static final Pattern BLOCK = Pattern.compile("(?m)^```(bash|console)\\R(.*?)^```$", Pattern.DOTALL);

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void everyShellSnippetRunsAsShownOrIsListedWithItsReason(@TempDir Path temp) throws Exception {
        assertThat(ROOT.resolve("cli/bin/managed-backend")).describedAs("the launcher").isExecutable();
        try (Stream<Path> jars = Files.list(ROOT.resolve("cli/target"))) {
            assertThat(jars.map(p -> p.getFileName().toString())).describedAs("cli/target: build the command line "
                    + "first (mvn verify from the root builds it before this suite)")
                    .anyMatch(name -> name.matches("managed-backend-cli-.*\\.jar"));
        }
        List<String> run = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        for (Path page : ReadmeSnippetsIT.pagePaths()) {
            Matcher blocks = BLOCK.matcher(Files.readString(page));
            while (blocks.find()) {
                String key = page + ": " + blocks.group(2).lines().findFirst().orElse("");
                if (NOT_RUN.containsKey(key)) {
                    listed.add(key);
                    continue;
                }
                Sandbox sandbox = new Sandbox(Files.createTempDirectory(temp, "snippet"));
                try {
                    if (GIVEN.containsKey(key)) {
                        assertThat(sandbox.bash(GIVEN.get(key)).exit).describedAs("given for %s", key).isZero();
                    }
                    if (blocks.group(1).equals("bash")) {
                        Result result = sandbox.bash(blocks.group(2));
                        assertThat(result.exit).describedAs("%s%n%s", key, result.output).isZero();
                    } else {
                        checkConsole(sandbox, key, blocks.group(2));
                    }
                } finally {
                    sandbox.bash("managed-backend stop --all >/dev/null 2>&1 || true"); // whatever the block started
                }
                run.add(key);
            }
        }
        assertThat(listed).describedAs("entries of NOT_RUN that name no block (a page changed?)")
                .containsExactlyInAnyOrderElementsOf(NOT_RUN.keySet());
        assertThat(run).isNotEmpty();
    }

    /** Runs each {@code $ } command of a console block in turn; its output must be what the block shows. */
    private static void checkConsole(Sandbox sandbox, String key, String block) throws Exception {
        List<String[]> steps = new ArrayList<>(); // command, expected output
        StringBuilder command = null;
        StringBuilder expected = new StringBuilder();
        boolean continued = false;
        for (String line : block.lines().toList()) {
            if (continued) {
                command.append('\n').append(line);
            } else if (line.startsWith("$ ")) {
                if (command != null) {
                    steps.add(new String[] {command.toString(), expected.toString()});
                }
                command = new StringBuilder(line.substring(2));
                expected = new StringBuilder();
            } else {
                expected.append(line).append('\n');
            }
            continued = line.endsWith("\\");
        }
        steps.add(new String[] {command.toString(), expected.toString()});
        for (String[] step : steps) {
            Result result = sandbox.bash(step[0]);
            String shown = step[1].replace("/home/me", sandbox.home.toString()).replace("~/", sandbox.home + "/");
            assertThat(normalized(result.output)).describedAs("%s: what `%s` printed%n%s", key, step[0], result.output)
                    .isEqualTo(normalized(shown));
        }
    }

    /** Numbers and hex ids (ports, pids, times, log names) as N and H; runs of spaces as one. */
    static String normalized(String text) {
        return text.replaceAll("\\b[0-9a-f]{12,}\\b", "H").replaceAll("\\d+", "N").replaceAll(" +", " ").strip();
    }

    record Result(int exit, String output) {
    }

    /** A user's folder as the pages assume it, with a home of its own. */
    static final class Sandbox {
        final Path home;
        final Path project;
        final Path tools;

        Sandbox(Path folder) throws IOException {
            home = folder.resolve("home/me");
            project = home.resolve("shop");
            tools = folder.resolve("tools");
            Files.createDirectories(project.resolve("web"));
            Files.createDirectories(project.resolve("tests/e2e"));
            Files.createDirectories(tools);
            Files.createSymbolicLink(project.resolve("backend"), ROOT.resolve("sample-fastapi"));
            Files.writeString(project.resolve("web/.env.local"), "# web/.env.local\n"
                    + "NEXT_PUBLIC_API_URL=http://localhost:8000\nNEXT_PUBLIC_FEATURE_SEARCH=on\n");
            Files.writeString(project.resolve("backend.conf"), backendConf());
            // the user's test tools: they ask the backend the snippet started
            tool("pytest", "exec curl -fsS -o /dev/null \"$MANAGED_BACKEND_URL/health\"");
            tool("npx", "exec curl -fsS -o /dev/null \"$MANAGED_BACKEND_URL/health\"");
            tool("npm", "exit 0");
        }

        private void tool(String name, String body) throws IOException {
            Path tool = tools.resolve(name);
            Files.writeString(tool, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        }

        Result bash(String script) throws Exception {
            // into a file, not a pipe: a backend that start leaves running must not hold our read open
            Path out = Files.createTempFile(tools, "output", ".txt");
            ProcessBuilder builder = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                    .directory(project.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
            Map<String, String> env = builder.environment();
            env.put("HOME", home.toString());
            // Java takes its user.home from the password file, not from HOME: the state folder is the sandbox's
            env.put("MANAGED_BACKEND_JAVA_OPTS", "-Duser.home=" + home);
            env.remove("XDG_RUNTIME_DIR");
            env.remove("XDG_CACHE_HOME");
            env.remove("VIRTUAL_ENV");
            env.put("PATH", ROOT.resolve("cli/bin") + ":" + tools + ":" + env.get("PATH"));
            Process process = builder.start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).describedAs("%s ended", script).isTrue();
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        }
    }

    /** The config file the command-line page shows (the block that starts with {@code # backend.conf}). */
    private static String backendConf() throws IOException {
        Matcher block = Pattern.compile("(?m)^```\\R(# backend\\.conf\\R.*?)^```$", Pattern.DOTALL)
                .matcher(Files.readString(ROOT.resolve("docs/command-line.md")));
        assertThat(block.find()).describedAs("the backend.conf block of docs/command-line.md").isTrue();
        return block.group(1);
    }
}
