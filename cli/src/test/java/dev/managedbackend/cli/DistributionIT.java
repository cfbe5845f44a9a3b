package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive for machines without Java ({@code managed-backend-<version>-linux-x64.tar.gz}),
 * unpacked into a folder of its own and run with an empty environment, in which a {@code java}
 * on the PATH and a JAVA_HOME both point at a fake that fails loudly: the launcher must use the
 * runtime inside the archive, and nothing else.
 */
class DistributionIT {

    private static final Path ARCHIVE = Path.of(System.getProperty("cli.dist",
            "target/managed-backend-0.1.0-SNAPSHOT-linux-x64.tar.gz"));
    private static final String VERSION = System.getProperty("cli.version", "0.1.0-SNAPSHOT");

    @TempDir
    Path temp;

    private Path launcher;
    private Path state;
    private Path fakeJavaUsed;
    private final List<String> path = new ArrayList<>();

    @BeforeEach
    void unpackWithAFakeJavaOnThePath() throws Exception {
        assertThat(ARCHIVE).describedAs("the archive, which mvn package builds unless -Ddist.skip=true").exists();
        Path place = Files.createDirectories(temp.resolve("somewhere else/opt"));
        assertThat(new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", place.toString()).inheritIO().start()
                .waitFor()).describedAs("tar -xzf " + ARCHIVE).isZero();
        launcher = place.resolve("managed-backend-" + VERSION + "/bin/managed-backend");
        state = temp.resolve("state");
        fakeJavaUsed = temp.resolve("fake-java-used");
        Path fake = Files.createDirectories(temp.resolve("fake-jdk/bin"));
        Path java = Files.writeString(fake.resolve("java"), "#!/bin/sh\necho \"$0 $*\" >> '" + fakeJavaUsed + "'\nexit 99\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        path.add(fake.toString());
        path.add("/usr/bin");
        path.add("/bin");
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (Files.isDirectory(state)) {
            run("stop", "--all", "--state-dir", state.toString());
        }
        assertThat(fakeJavaUsed).describedAs("the launcher ran a java outside the archive").doesNotExist();
    }

    @Test
    void runsWithoutAnyJavaOfTheMachine() throws Exception {
        Run version = run("--version");
        assertThat(version.exit).describedAs(version.output).isZero();
        assertThat(version.output).isEqualTo("managed-backend " + VERSION + "\n");

        Run help = run("--help");
        assertThat(help.exit).isZero();
        assertThat(help.output).startsWith("Usage: managed-backend ").contains("start", "stop", "status", "who",
                "Exit codes:");

        Run typo = run("stpo");
        assertThat(typo.exit).isEqualTo(2);
        assertThat(typo.output).contains("Did you mean: managed-backend stop");
    }

    @Test
    void itsAheadOfTimeCacheIsUsedWhereverItIsUnpacked() throws Exception {
        // with AOTMode=on the JVM refuses to start when the cache does not fit (moved jar, other options)
        Run version = run(Map.of("MANAGED_BACKEND_JAVA_OPTS", "-XX:AOTMode=on"), "--version");

        assertThat(version.exit).describedAs(version.output).isZero();
    }

    @Test
    void startsAndStopsTheSampleApp() throws Exception {
        String stateDir = "--state-dir=" + state;
        Run start = run("start", stateDir, "--name", "api", "--app", "app.main:app", "--dir", Cli.SAMPLE.toString());
        assertThat(start.exit).describedAs(start.output).isZero();
        String url = start.output.strip().lines().reduce((first, last) -> last).orElseThrow();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(Cli.get(url + "/health")).isEqualTo(200);

        Run status = run("status", stateDir);
        assertThat(status.exit).describedAs(status.output).isZero();
        assertThat(status.output).contains("api", url, "healthy (200 GET /health)");

        Run who = run("who", url.substring(url.lastIndexOf(':') + 1), stateDir);
        assertThat(who.exit).describedAs(who.output).isZero();
        assertThat(who.output).contains("backend 'api', which managed-backend start started").doesNotContain("WARNING");

        Run stop = run("stop", "api", stateDir);
        assertThat(stop.exit).describedAs(stop.output).isZero();
        assertThat(stop.output).contains("stopped backend 'api'");
        assertThat(Cli.get(url + "/health")).describedAs("nothing answers after stop").isEqualTo(-1);
    }

    @Test
    void theRuntimeHoldsEveryModuleTheJarNeeds() throws Exception {
        Path jar = launcher.getParent().getParent().resolve("lib/managed-backend-cli-" + VERSION + ".jar");
        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Process deps = new ProcessBuilder(jdeps.toString(), "--print-module-deps", "--ignore-missing-deps",
                "--multi-release", "17", jar.toString()).redirectErrorStream(true).start();
        String needed = new String(deps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(deps.waitFor()).describedAs(needed).isZero();
        Process list = new ProcessBuilder(launcher.getParent().getParent().resolve("runtime/bin/java").toString(),
                "--list-modules").redirectErrorStream(true).start();
        TreeSet<String> present = new TreeSet<>();
        new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .forEach(line -> present.add(line.replaceFirst("@.*", "").strip()));

        TreeSet<String> missing = new TreeSet<>(Arrays.asList(needed.split(",")));
        missing.removeAll(present);
        assertThat(missing).describedAs("jdeps finds that the jar needs modules the archive's runtime lacks: add them "
                + "to dist.modules in cli/pom.xml (jdeps says: %s)", needed).isEmpty();
    }

    private record Run(int exit, String output) {
    }

    private Run run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    /** The launcher in an empty environment: PATH (fake java first), HOME, a fake JAVA_HOME, and {@code env}. */
    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", String.join(":", path));
        builder.environment().put("HOME", temp.toString());
        builder.environment().put("JAVA_HOME", temp.resolve("fake-jdk").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }
}
