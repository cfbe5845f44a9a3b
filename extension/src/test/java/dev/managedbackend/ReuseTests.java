package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * Reuse between runs ({@code managedbackend.reuse}), run as a developer runs it: each run is a
 * test JVM of its own on a copy of the test app, with a state folder per test. The second run
 * gets the first run's very process back; a changed file, a sick or killed backend, or CI
 * means a fresh start; the keeper stops a backend nobody used for its idle timeout, with no JVM
 * left; two runs at once get one backend; a SIGKILLed run leaves its backend to the timeout.
 */
class ReuseTests {

    private static final Duration BOUND = Duration.ofSeconds(120);

    @TempDir
    Path temp;

    private final List<CrashJvm> jvms = new ArrayList<>();
    private final List<Long> backends = new ArrayList<>();

    /** Nothing a test kept (a backend, a keeper) outlives it, whatever failed. */
    @AfterEach
    void stopWhatWasKept() throws IOException {
        jvms.forEach(CrashJvm::close);
        for (long pid : backends) {
            tagOf(pid).ifPresent(tag -> CrashJvm.killTagged(OwnerTag.VARIABLE + "=" + tag.substring(0, tag.indexOf(':') + 1)));
        }
        keepers().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void theNextRunGetsTheSameProcessAndUrlBackAndItKeepsRunningBetweenRuns() throws Exception {
        Path app = appCopy();

        Run first = run("first", app);
        Run second = run("second", app);

        assertThat(second.pid).isEqualTo(first.pid);
        assertThat(second.port).isEqualTo(first.port);
        assertThat(first.output).contains("backend 'api' kept for reuse by later runs (pid " + first.pid,
                "backend 'api' kept running for the next run (pid " + first.pid);
        assertThat(second.output).contains("backend 'api' reused at http://127.0.0.1:" + first.port
                + " (pid " + first.pid);
        assertThat(tagOf(first.pid)).hasValueSatisfying(tag -> assertThat(tag).startsWith("reuse-").endsWith(":api"));
        assertThat(Http.get("http://127.0.0.1:" + first.port + "/health").status()).isEqualTo(200);
        assertThat(keepers()).hasSize(1);
    }

    @Test
    void whatTheCommandLineListsAndStopsAKeptBackendIsAndItsKeeperEndsWithIt() throws Exception {
        Path app = appCopy();
        Run first = run("first", app);

        // what `managed-backend status` lists and `stop NAME` stops
        DetachedBackends.Found found = DetachedBackends.list(state()).stream().filter(f -> f.pid() == first.pid)
                .findFirst().orElseThrow();
        assertThat(found.name()).isEqualTo("api");
        assertThat(found.url()).isEqualTo("http://127.0.0.1:" + first.port);
        assertThat(found.alive()).isTrue();
        assertThat(DetachedBackends.stop(found, Duration.ofSeconds(10))).isEmpty();

        await().atMost(BOUND).until(() -> keepers().isEmpty());
        Run second = run("second", app);
        assertThat(second.pid).isNotEqualTo(first.pid);
        assertThat(second.output).contains("the reused backend (pid " + first.pid);
    }

    @Test
    void anEditedPyFileMeansAFreshStartNamingTheFileAndTheOldBackendIsStopped() throws Exception {
        Path app = appCopy();
        Run first = run("first", app);
        Path hello = app.resolve("apps/hello.py");
        Files.writeString(hello, Files.readString(hello) + "\n# edited\n");
        Files.setLastModifiedTime(hello, FileTime.fromMillis(System.currentTimeMillis() + 10_000));

        Run second = run("second", app);

        assertThat(second.pid).isNotEqualTo(first.pid);
        assertThat(second.output).contains("backend 'api': apps/hello.py (changed) since the reused backend (pid "
                + first.pid + ") started; starting a fresh one");
        assertThat(OwnProcesses.isAlive(first.pid)).isFalse();
        await().atMost(BOUND).until(() -> keepers().size() == 1); // the old one's keeper ended with its backend
        assertThat(run("third", app).pid).isEqualTo(second.pid);
    }

    @Test
    void aDependencyInstalledIntoTheVenvMeansAFreshStart() throws Exception {
        Path app = appCopy();
        Path venv = temp.resolve("venv");
        exec(temp, "/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", venv.toString());
        Map<String, String> env = Map.of("VIRTUAL_ENV", venv.toString());
        Run first = run("first", app, env);
        Path pkg = Files.createDirectories(temp.resolve("tinydep/tinydep"));
        Files.writeString(pkg.resolve("__init__.py"), "X = 1\n");
        Files.writeString(pkg.getParent().resolve("pyproject.toml"), "[build-system]\nrequires = [\"setuptools\"]\n"
                + "build-backend = \"setuptools.build_meta\"\n[project]\nname = \"tinydep\"\nversion = \"1.0\"\n");
        // pip of the suite's venv installs it offline into the app's venv, as a developer's pip install would
        Path site;
        try (Stream<Path> versions = Files.list(venv.resolve("lib"))) {
            site = versions.findFirst().orElseThrow().resolve("site-packages");
        }
        exec(temp, Path.of(System.getenv("VIRTUAL_ENV"), "bin", "python").toString(), "-m", "pip", "install", "-q",
                "--no-index", "--no-build-isolation", "--no-deps", "--retries", "0", "--timeout", "5",
                "--target", site.toString(), pkg.getParent().toString());

        Run second = run("second", app, env);

        assertThat(second.pid).isNotEqualTo(first.pid);
        assertThat(second.output).containsPattern("backend 'api': python:python3[.0-9]*/site-packages/tinydep"
                + "(-1\\.0\\.dist-info)? \\(added\\) since the reused backend \\(pid " + first.pid + "\\)");
    }

    @Test
    void aValueThatIsNotFalseTrueOrAlwaysIsAConfigurationError() {
        Throwable failure = TestKit.classFailure(TestKit.run(Map.of(ManagedBackend.REUSE_PROPERTY_NAME, "yes"),
                KeptApp.class), KeptApp.class);

        assertThat(failure).isExactlyInstanceOf(org.junit.jupiter.api.extension.ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter managedbackend.reuse = \"yes\" is not one of false, true, always. "
                        + "Use true to reuse backends between local runs (off where CI is set), always to reuse them "
                        + "on CI too, or false.");
    }

    private static void exec(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).describedAs(String.join(" ", command) + ": " + output).isZero();
    }

    @Test
    void onCiReuseIsOffWithOneInfoLineAndAlwaysTurnsItOn() throws Exception {
        Path app = appCopy();
        Map<String, String> ci = Map.of("CI", "true");

        Run first = run("first", app, ci, "-Dmanagedbackend.reuse=true");

        assertThat(first.output).contains("managed-backend: managedbackend.reuse=true, but the environment variable CI is "
                + "set (CI=true): backends are not reused on CI; set managedbackend.reuse=always to reuse them here too")
                .doesNotContain("kept for reuse");
        assertThat(OwnProcesses.isAlive(first.pid)).isFalse();
        assertThat(keepers()).isEmpty();

        Run always = run("always", app, ci, "-Dmanagedbackend.reuse=always");
        Run again = run("again", app, ci, "-Dmanagedbackend.reuse=always");
        assertThat(again.pid).isEqualTo(always.pid);
    }

    @Test
    void aReusedBackendIdleForItsTimeoutIsStoppedByItsKeeperWithNoJvmLeft() throws Exception {
        Path app = appCopy();

        Run first = run("first", app, Map.of(), "-Dmanagedbackend.reuseIdleSeconds=3");

        assertThat(first.output).contains("kept running for the next run (pid " + first.pid);
        long keeper = keeperOf(first.output);
        await().atMost(BOUND).until(() -> !OwnProcesses.isAlive(first.pid) && !OwnProcesses.isAlive(keeper));
        assertThat(keepers()).isEmpty();
        assertThat(CrashJvm.tagged(OwnerTag.VARIABLE + "=" + first.tag.substring(0, first.tag.indexOf(':') + 1))).isEmpty();
        // the keeper's stop went through the watchdog script, which reports what it did
        // (as its group through /proc; through ps, the processes of the group that carry the tag)
        assertThat(keeperLog(first)).containsPattern("SIGTERM to process groups (" + first.pid
                + "|\\(none\\) and to the processes (\\d+ )*" + first.pid + ")\\b");
        assertThat(CrashTeardownTests.ledger(state())).isEmpty();
    }

    @Test
    void aReusedBackendKilledBetweenRunsWhosePortAForeignProgramTookIsReplaced() throws Exception {
        Path app = appCopy();
        Run first = run("first", app);
        ProcessHandle.of(first.pid).orElseThrow().destroyForcibly();
        await().atMost(BOUND).until(() -> !OwnProcesses.isAlive(first.pid));
        Process foreign = new ProcessBuilder("python3", "-m", "http.server", Integer.toString(first.port), "--bind",
                "127.0.0.1").redirectErrorStream(true).redirectOutput(temp.resolve("foreign.log").toFile()).start();
        try {
            await().atMost(BOUND).until(() -> !foreign.isAlive()
                    || ReadinessProbeAccess.listens(first.port));
            assertThat(foreign.isAlive()).isTrue();

            Run second = run("second", app);

            assertThat(second.pid).isNotEqualTo(first.pid);
            assertThat(second.port).isNotEqualTo(first.port);
            assertThat(second.output).contains("backend 'api': the reused backend (pid " + first.pid + ", http://127.0.0.1:"
                    + first.port + ") no longer runs (or its pid is not ours); replacing it with a fresh one");
            assertThat(foreign.isAlive()).isTrue(); // not ours: never signalled
        } finally {
            foreign.destroyForcibly();
        }
    }

    @Test
    void aKeptCommandBackendIsReusedAndOneThatHangsIsReplaced() throws Exception {
        Path app = Files.createDirectories(temp.resolve("app"));
        Path served = Files.createDirectories(temp.resolve("served"));
        Files.writeString(served.resolve("ok.txt"), "ok");
        String[] args = {"-Dreuse.served=" + served, "-Dmanagedbackend.stopTimeoutSeconds=1"};
        Run first = finish(start("first", app, Map.of(), KeptCommand.class, args), "first");
        assertThat(finish(start("second", app, Map.of(), KeptCommand.class, args), "second").pid).isEqualTo(first.pid);

        exec(temp, "kill", "-STOP", Long.toString(first.pid)); // it still listens (the kernel accepts), but never answers
        Run third = finish(start("third", app, Map.of(), KeptCommand.class, args), "third");

        assertThat(third.pid).isNotEqualTo(first.pid);
        assertThat(third.output).contains("backend 'api': the reused backend (pid " + first.pid + ", http://127.0.0.1:"
                + first.port + ") did not answer GET /ok.txt: java.net.SocketTimeoutException: Read timed out; "
                + "replacing it with a fresh one");
        assertThat(OwnProcesses.isAlive(first.pid)).isFalse(); // SIGKILL ends a stopped process
    }

    @Test
    void twoRunsAtTheSameMomentGetOneBackend() throws Exception {
        Path app = appCopy();
        Path barrier = Files.createDirectory(temp.resolve("barrier"));
        String arg = "-Dreuse.barrier=" + barrier;

        // both JVMs wait at a barrier (in the env supplier, right before the start) until both are there
        CrashJvm a = start("a", app, Map.of(), arg);
        CrashJvm b = start("b", app, Map.of(), arg);
        Run ra = finish(a, "a");
        Run rb = finish(b, "b");

        assertThat(ra.pid).isEqualTo(rb.pid);
        assertThat(List.of(ra.output, rb.output)).filteredOn(out -> out.contains("kept for reuse by later runs")).hasSize(1);
        assertThat(List.of(ra.output, rb.output)).filteredOn(out -> out.contains("reused at")).hasSize(1);
        assertThat(keepers()).hasSize(1);
    }

    @Test
    void twoClassesInParallelInOneJvmGetOneBackend() throws Exception {
        together = new CountDownLatch(2);
        PIDS.clear();
        Map<String, String> configuration = new HashMap<>(Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                ManagedBackend.STATE_DIR_PROPERTY_NAME, state().toString(),
                ManagedBackend.REUSE_PROPERTY_NAME, "always")); // this JVM may run on CI

        EngineExecutionResults results = TestKit.run(configuration, ParallelA.class, ParallelB.class);

        try {
            TestKit.assertAllPassed(results, 2);
            assertThat(together.getCount()).isZero(); // both starts began at the same moment
            assertThat(PIDS).hasSize(2);
            assertThat(Set.copyOf(PIDS.values())).hasSize(1);
        } finally {
            for (DetachedBackends.Found kept : DetachedBackends.list(state())) {
                DetachedBackends.stop(kept, Duration.ofSeconds(10));
            }
        }
    }

    static volatile CountDownLatch together;
    static final Map<String, Long> PIDS = new ConcurrentHashMap<>();

    /** In a fixture: both parallel classes compute their env here, so their starts begin together. */
    static String meet() throws InterruptedException {
        together.countDown();
        assertThat(together.await(BOUND.toSeconds(), TimeUnit.SECONDS)).describedAs("the other class arrived").isTrue();
        return "1";
    }

    static class ParallelA {
        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app("apps.hello:app")
                .dir(TestKit.DIR).env("MET", () -> meetUnchecked()));

        @Test
        void uses() {
            PIDS.put("a", api.backend().pid().getAsLong());
        }
    }

    static class ParallelB {
        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app("apps.hello:app")
                .dir(TestKit.DIR).env("MET", () -> meetUnchecked()));

        @Test
        void uses() {
            PIDS.put("b", api.backend().pid().getAsLong());
        }
    }

    private static String meetUnchecked() {
        try {
            return meet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRunSigkilledWhileItUsesOneLeavesItRunningForTheNextRun() throws Exception {
        Path app = appCopy();
        Path gate = temp.resolve("gate");
        CrashJvm jvm = start("killed", app, Map.of(), "-Dreuse.gate=" + gate);
        CrashJvm.Ready ready = jvm.awaitReady(BOUND);
        backends.add(ready.backendPid());
        jvm.process().destroyForcibly();
        jvm.awaitExit(BOUND);
        // its watchdog has done all it will do once it has ended
        await().atMost(BOUND).until(() -> ProcessHandle.of(ready.watchdogPid()).isEmpty());

        assertThat(OwnProcesses.isAlive(ready.backendPid())).isTrue();
        assertThat(Http.get("http://127.0.0.1:" + ready.port() + "/health").status()).isEqualTo(200);
        assertThat(run("next", app).pid).isEqualTo(ready.backendPid());
    }

    @Test
    void aJvmKilledDuringTheStartLeavesItsBackendToTheKeeperForNoLongerThanTheStart() throws Exception {
        Path app = appCopy();
        Path gate = Files.createDirectories(temp.resolve("gate"));
        CrashJvm jvm = start("killed", app, Map.of("PREFORK_GATE", gate.toString()), "-Dreuse.app=apps.gated:app",
                "-Dmanagedbackend.startupTimeoutSeconds=20", "-Dmanagedbackend.portAttempts=1");
        // the backend is importing the app, which waits at a gate that is never opened: launched, never ready
        await().atMost(BOUND).until(() -> Files.exists(gate.resolve("first")) || !jvm.process().isAlive());
        List<Long> starting = startingIn(app);
        assertThat(starting).describedAs(jvm.output()).hasSize(1);
        jvm.process().destroyForcibly();
        jvm.awaitExit(BOUND);
        backends.addAll(starting);

        // its lease was the start's: 20 s x 1 attempt + 10 s; then the keeper stops it and ends
        await().atMost(BOUND).until(() -> !OwnProcesses.isAlive(starting.get(0)) && keepers().isEmpty());
        String keeperLog;
        try (Stream<Path> logs = Files.list(temp.resolve("killed/logs/watchdog"))) {
            keeperLog = Files.readString(logs.filter(l -> l.getFileName().toString().startsWith("keeper-")).findFirst()
                    .orElseThrow());
        }
        // found by its tag: its group is in the lease only once it is ready
        assertThat(keeperLog).contains("SIGTERM to process groups (none) and to the processes " + starting.get(0));
    }

    /** The processes of a kept backend (tagged with a reuse identity) that run in {@code dir}. */
    private static List<Long> startingIn(Path dir) {
        return CrashJvm.tagged(OwnerTag.VARIABLE + "=reuse-").stream().filter(pid -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).equals(dir);
            } catch (IOException e) {
                return false;
            }
        }).toList();
    }

    // --- runs -----------------------------------------------------------------------------

    private record Run(long pid, int port, String tag, String output, Path dir) {
    }

    private Run run(String label, Path app) throws Exception {
        return run(label, app, Map.of());
    }

    private Run run(String label, Path app, Map<String, String> env, String... jvmArgs) throws Exception {
        return finish(start(label, app, env, jvmArgs), label);
    }

    private CrashJvm start(String label, Path app, Map<String, String> env, String... jvmArgs) {
        return start(label, app, env, KeptApp.class, jvmArgs);
    }

    private CrashJvm start(String label, Path app, Map<String, String> env, Class<?> fixture, String... jvmArgs) {
        Map<String, String> environment = new HashMap<>();
        environment.put("CI", null); // reuse=true is off on CI: a test of reuse stands for a developer's shell
        environment.putAll(env);
        List<String> args = new ArrayList<>(List.of("-Dreuse.dir=" + app, "-Dmanagedbackend.reuse=true"));
        args.addAll(List.of(jvmArgs)); // later -D wins
        CrashJvm jvm = CrashJvm.start(fixture, temp.resolve(label), state(), environment, args.toArray(String[]::new));
        jvms.add(jvm);
        return jvm;
    }

    private Run finish(CrashJvm jvm, String label) throws Exception {
        CrashJvm.Ready ready = jvm.awaitReady(BOUND);
        backends.add(ready.backendPid());
        String tag = tagOf(ready.backendPid()).orElse("");
        assertThat(jvm.awaitExit(BOUND)).describedAs(jvm.output()).isZero();
        return new Run(ready.backendPid(), ready.port(), tag, jvm.output(), temp.resolve(label));
    }

    private Path state() {
        return temp.resolve("state");
    }

    /** A copy of the test app, which a test may edit. */
    private Path appCopy() throws IOException {
        Path source = Path.of(TestKit.DIR, "apps");
        Path copy = temp.resolve("app");
        Files.createDirectories(copy.resolve("apps"));
        for (String name : List.of("__init__.py", "hello.py", "gated.py")) {
            Files.copy(source.resolve(name), copy.resolve("apps").resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return copy;
    }

    /** The keeper's pid, as the run that started it logged it. */
    private static long keeperOf(String output) {
        java.util.regex.Matcher keeper = java.util.regex.Pattern.compile("kept for reuse by later runs \\(pid \\d+, keeper pid (\\d+)")
                .matcher(output);
        assertThat(keeper.find()).describedAs(output).isTrue();
        return Long.parseLong(keeper.group(1));
    }

    /** The keepers of this test's state folder, found by the ledger folder they were given (hex). */
    private List<Long> keepers() throws IOException {
        String ledger = HexFormat.of().formatHex(state().resolve("ledger").toString().getBytes(StandardCharsets.UTF_8));
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains("\0managed-backend-keeper\0") && cmdline.contains("\0" + ledger + "\0")) {
                        found.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        }
        return found;
    }

    private String keeperLog(Run run) throws IOException {
        Path folder = run.dir.resolve("logs/watchdog");
        try (Stream<Path> logs = Files.list(folder)) {
            StringBuilder text = new StringBuilder();
            for (Path log : logs.filter(l -> l.getFileName().toString().startsWith("keeper-")).toList()) {
                text.append(Files.readString(log));
            }
            return text.toString();
        }
    }

    private static java.util.Optional<String> tagOf(long pid) {
        try {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")),
                    StandardCharsets.UTF_8);
            return Stream.of(environ.split("\0")).filter(e -> e.startsWith(OwnerTag.VARIABLE + "="))
                    .map(e -> e.substring(OwnerTag.VARIABLE.length() + 1)).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** In the fixture: waits until both runs of a test have reached it (files in a shared folder). */
    static String barrier() {
        String folder = System.getProperty("reuse.barrier");
        if (folder != null) {
            try {
                Files.createFile(Path.of(folder, "arrived-" + ProcessHandle.current().pid()));
                await().atMost(BOUND).until(() -> {
                    try (Stream<Path> arrived = Files.list(Path.of(folder))) {
                        return arrived.count() >= 2;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return "1";
    }

    /** One run's test class: a CLASS backend of the app copy; reports it, and waits at the gate if it is given one. */
    static class KeptApp {
        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app(
                System.getProperty("reuse.app", "apps.hello:app")).dir(System.getProperty("reuse.dir", "."))
                .env("BARRIER", ReuseTests::barrier));

        @Test
        void uses() throws Exception {
            CrashJvm.ready(api.backend());
            String gate = System.getProperty("reuse.gate");
            if (gate != null) {
                await().atMost(BOUND).until(() -> Files.exists(Path.of(gate))); // killed before that
            }
        }
    }

    /** A kept {@code command} backend: a file server whose health path is a file outside its dir. */
    static class KeptCommand {
        @RegisterExtension
        static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.command("python3", "-m",
                "http.server", "{port}", "--bind", "{host}", "--directory", System.getProperty("reuse.served", "."))
                .dir(System.getProperty("reuse.dir", ".")).healthPath("/ok.txt"));

        @Test
        void uses() throws Exception {
            CrashJvm.ready(api.backend());
        }
    }

    /** Whether something listens on a port of 127.0.0.1. */
    private static final class ReadinessProbeAccess {
        static boolean listens(int port) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
