package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.managedbackend.internal.PortAllocator;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * Whatever happens to the test JVM, no backend process it started outlives it. Each case runs a
 * fixture in a child test JVM ({@link CrashJvm}), waits until its uvicorn is ready, and ends the
 * JVM: SIGKILL (the watchdog cleans up), SIGKILL of the watchdog and the JVM (the next JVM's
 * ledger sweep cleans up), SIGTERM and SIGINT (the shutdown hook).
 *
 * <p>The SIGKILL cases run {@code -Dcrash.repetitions} times each (default 1); CI runs them 10
 * times to catch races.
 */
class CrashTeardownTests {

    /** The promise: processes gone, port free, this soon after the JVM died. */
    private static final Duration PROCESS_BOUND = Duration.ofSeconds(2);
    private static final Duration READY = Duration.ofSeconds(60);
    private static final int REPETITIONS = Integer.getInteger("crash.repetitions", 1);

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicTest> sigkillOfTheTestJvmLeavesNoProcessAndFreesThePort() {
        return IntStream.rangeClosed(1, REPETITIONS).boxed().flatMap(round -> Stream.of(
                dynamicTest("uvicorn, round " + round, () -> sigkill(PlainCases.class, 1, round)),
                dynamicTest("uvicorn --workers 2, round " + round, () -> sigkill(WorkersCases.class, 3, round))));
    }

    /**
     * Prefork: the template and the backends it forked (the JVM's grandchildren, in sessions of
     * their own) carry the JVM's tag too, so the watchdog ends them all; the template itself exits
     * at EOF on its stdin.
     */
    @TestFactory
    Stream<DynamicTest> sigkillOfTheTestJvmAlsoEndsItsPreforkTemplateAndTheBackendsItForked() {
        return IntStream.rangeClosed(1, REPETITIONS).mapToObj(round ->
                dynamicTest("template + 2 forked backends, round " + round, () -> sigkillPrefork(round)));
    }

    private void sigkillPrefork(int round) throws Exception {
        Path dir = temp.resolve("prefork-" + round);
        Path state = dir.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(PreforkCases.class, dir, state)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            long template = ProcessHandle.of(ready.backendPid()).flatMap(ProcessHandle::parent)
                    .map(ProcessHandle::pid).orElseThrow();
            assertThat(template).describedAs("the backends' parent: the template, not the JVM").isNotEqualTo(jvm.pid());
            List<Long> all = new java.util.ArrayList<>(List.of(template));
            for (long backend : ready.backendPids()) {
                assertThat(ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                        .hasValue(template);
                all.addAll(CrashJvm.tree(backend));
            }
            assertThat(ledger(state)).describedAs("ledger entries: the template and its 2 backends").hasSize(3);

            Duration gone = sigkillAndAwaitGone(jvm, all, ready.ports());
            System.out.printf("[crash] SIGKILL, prefork, round %d: template and %d processes gone and ports %s free "
                    + "%d ms after the JVM was killed%n", round, all.size() - 1, ready.ports(), gone.toMillis());
            assertThat(gone).describedAs("time from SIGKILL until %s and ports %s were gone; %s", all, ready.ports(),
                    jvm.output()).isLessThan(PROCESS_BOUND);
            assertThat(CrashJvm.tagged(tagOf(jvm))).describedAs("processes tagged by the killed JVM").isEmpty();
            awaitTrue(() -> !OwnProcesses.isAlive(ready.watchdogPid()) && ledger(state).isEmpty(),
                    Duration.ofSeconds(5), () -> "watchdog gone and ledger empty; ledger " + ledger(state)
                            + "\n" + jvm.watchdogLog());
        }
    }

    /** SIGKILLs the test JVM; how long until all of {@code processes} were gone and every port free. */
    private static Duration sigkillAndAwaitGone(CrashJvm jvm, List<Long> processes, List<Integer> ports)
            throws Exception {
        long killed = System.nanoTime();
        jvm.process().destroyForcibly();
        Duration gone = Duration.ZERO;
        for (int port : ports) {
            Duration until = awaitGone(processes, port, killed, Duration.ofSeconds(10));
            gone = until.compareTo(gone) > 0 ? until : gone;
        }
        return gone;
    }

    /**
     * uvicorn {@code --reload} (a watcher and the server it restarts, in the backend's own group)
     * beside a command whose shell daemonises a grandchild with {@code setsid} (it leaves the
     * tree, the process group and the session): the watchdog finds every one by the tag.
     */
    @TestFactory
    Stream<DynamicTest> sigkillOfTheTestJvmEndsAReloadTreeAndADaemonisedGrandchild() {
        return IntStream.rangeClosed(1, REPETITIONS).mapToObj(round ->
                dynamicTest("uvicorn --reload + setsid-daemonised grandchild, round " + round,
                        () -> sigkillReloadAndDaemon(round)));
    }

    private void sigkillReloadAndDaemon(int round) throws Exception {
        Path dir = temp.resolve("reload-daemon-" + round);
        Path state = dir.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(ReloadAndDaemonCases.class, dir, state)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            // reloader + server, and the command's server + its daemonised sleep
            awaitTrue(() -> CrashJvm.tagged(tagOf(jvm)).size() >= 4, Duration.ofSeconds(60),
                    () -> "4 tagged processes: " + CrashJvm.tagged(tagOf(jvm)));
            List<Long> all = CrashJvm.tagged(tagOf(jvm));
            long daemonised = all.stream().filter(pid -> ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                    .map(ProcessHandle::pid).filter(parent -> all.contains(parent) || parent == jvm.pid()).isEmpty())
                    .findFirst().orElseThrow(() -> new AssertionError("no daemonised process among " + all));
            assertThat(CrashJvm.tree(ready.backendPid())).describedAs("the trees").doesNotContain(daemonised);

            Duration gone = sigkillAndAwaitGone(jvm, all, ready.ports());
            System.out.printf("[crash] SIGKILL, --reload + daemonised grandchild, round %d: %d processes gone and "
                    + "ports %s free %d ms after the JVM was killed%n", round, all.size(), ready.ports(), gone.toMillis());
            assertThat(gone).describedAs("time from SIGKILL until %s and ports %s were gone; %s%nwatchdog log:%n%s", all,
                    ready.ports(), jvm.output(), jvm.watchdogLog()).isLessThan(PROCESS_BOUND);
            assertThat(CrashJvm.tagged(tagOf(jvm))).describedAs("processes tagged by the killed JVM").isEmpty();
            awaitTrue(() -> !OwnProcesses.isAlive(ready.watchdogPid()) && ledger(state).isEmpty(),
                    Duration.ofSeconds(60), () -> "watchdog gone and ledger empty; ledger " + ledger(state)
                            + "\n" + jvm.watchdogLog());
            // both led process groups of their own (uvicorn through its Python's setsid() where util-linux
            // setsid is hidden, the command through perl's), registered with the watchdog
            for (long backend : ready.backendPids()) {
                assertThat(jvm.watchdogLog()).describedAs("backend %d's group", backend)
                        .containsPattern("SIGTERM to process groups [0-9 ]*\\b" + backend + "\\b");
            }
            assertThat(jvm.watchdogLog()).describedAs("the daemonised grandchild, by its tag")
                    .containsPattern("and to the processes [0-9 ]*\\b" + daemonised + "\\b");
        }
    }

    /** A normal end of the JVM stops its templates too: nothing is left, and the watchdog has nothing to do. */
    @Test
    void aJvmThatEndsNormallyStopsItsPreforkTemplates() throws Exception {
        Path state = temp.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(QuickPreforkCases.class, temp.resolve("jvm"), state)) {
            assertThat(jvm.awaitExit(READY)).describedAs(jvm.output()).isZero();
            assertThat(jvm.output()).contains("forked from prefork template pid");
            assertThat(CrashJvm.tagged(tagOf(jvm))).describedAs("processes tagged by the JVM").isEmpty();
            assertThat(ledger(state)).isEmpty();
            Thread.sleep(200); // the watchdog would have written its log by now
            assertThat(jvm.watchdogLog()).describedAs("the watchdog had nothing to do").isEmpty();
        }
    }

    private void sigkill(Class<?> fixture, int processes, int round) throws Exception {
        Path dir = temp.resolve(fixture.getSimpleName() + "-" + round);
        Path state = dir.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(fixture, dir, state)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            // a worker answered the health check; its sibling may still be on its way
            awaitTrue(() -> CrashJvm.tree(ready.backendPid()).size() >= processes, Duration.ofSeconds(10),
                    () -> "uvicorn's tree has " + processes + " processes: " + CrashJvm.tree(ready.backendPid()));
            List<Long> tree = CrashJvm.tree(ready.backendPid());
            assertThat(ready.watchdogPid()).describedAs("the watchdog's pid").isPositive();
            assertThat(ledger(state)).describedAs("ledger entries while the backend runs").hasSize(1);

            long killed = System.nanoTime();
            jvm.process().destroyForcibly(); // SIGKILL: no shutdown hook runs

            Duration gone = awaitGone(tree, ready.port(), killed, Duration.ofSeconds(10));
            System.out.printf("[crash] SIGKILL, %s, round %d: %d processes gone and port %d free %d ms "
                    + "after the JVM was killed%n", fixture.getSimpleName(), round, tree.size(), ready.port(),
                    gone.toMillis());
            assertThat(gone).describedAs("time from SIGKILL until %s and port %d were gone; %s", tree,
                    ready.port(), jvm.output()).isLessThan(PROCESS_BOUND);
            assertThat(CrashJvm.tagged(tagOf(jvm))).describedAs("processes tagged by the killed JVM").isEmpty();
            // the watchdog also removes the JVM's ledger entries, so the next JVM has nothing to sweep
            awaitTrue(() -> !OwnProcesses.isAlive(ready.watchdogPid()) && ledger(state).isEmpty(),
                    Duration.ofSeconds(5), () -> "watchdog gone and ledger empty; ledger " + ledger(state)
                            + "\n" + jvm.watchdogLog());
            assertThat(jvm.watchdogLog()).contains("SIGTERM to process groups " + ready.backendPid());
        }
    }

    /**
     * No window: the backend itself SIGKILLs the test JVM as its first act, so the JVM dies right
     * after the spawn, before it could learn the pid. The ledger entry and the watchdog's
     * registration were made before the spawn, so the watchdog still stops it.
     */
    @Test
    void aJvmKilledRightAfterTheSpawnLeavesNothing() throws Exception {
        Path state = temp.resolve("state");
        long before = System.currentTimeMillis();
        try (CrashJvm jvm = CrashJvm.start(KillsItsJvmCases.class, temp.resolve("jvm"), state)) {
            assertThat(jvm.awaitExit(READY)).describedAs(jvm.output()).isEqualTo(128 + 9);
            long killed = System.nanoTime();
            long backend = KillsItsJvmCases.spawnedSince(before);
            try {
                awaitTrue(() -> !OwnProcesses.isAlive(backend), Duration.ofSeconds(10), () -> "backend " + backend
                        + " stopped; " + jvm.watchdogLog());
                Duration gone = Duration.ofNanos(System.nanoTime() - killed);
                System.out.printf("[crash] SIGKILL right after the spawn: backend gone %d ms after the JVM died%n",
                        gone.toMillis());
                assertThat(gone).isLessThan(PROCESS_BOUND);
                assertThat(CrashJvm.tagged(tagOf(jvm))).isEmpty();
                awaitTrue(() -> ledger(state).isEmpty(), Duration.ofSeconds(5), () -> "ledger empty: " + ledger(state));
            } finally {
                ProcessHandle.of(backend).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void whenTheWatchdogIsKilledTooTheNextJvmsSweepRemovesTheLeftovers() throws Exception {
        Path state = temp.resolve("state");
        CrashJvm.Ready ready;
        List<Long> tree;
        try (CrashJvm first = CrashJvm.start(WorkersCases.class, temp.resolve("first"), state)) {
            ready = first.awaitReady(READY);
            tree = CrashJvm.tree(ready.backendPid());
            try {
                ProcessHandle watchdog = ProcessHandle.of(ready.watchdogPid()).orElseThrow();
                watchdog.destroyForcibly();
                awaitTrue(() -> !OwnProcesses.isAlive(watchdog.pid()), Duration.ofSeconds(5), () -> "watchdog killed");
                first.process().destroyForcibly();
                first.process().waitFor();

                Thread.sleep(500);
                assertThat(tree).describedAs("left behind by a JVM killed together with its watchdog")
                        .allMatch(OwnProcesses::isAlive);
                assertThat(ledger(state)).hasSize(1);

                try (CrashJvm next = CrashJvm.start(QuickCases.class, temp.resolve("next"), state)) {
                    long started = System.nanoTime();
                    assertThat(next.awaitExit(READY)).describedAs(next.output()).isZero();
                    System.out.printf("[crash] watchdog killed too: the next JVM swept and ran its test in %d ms%n",
                            Duration.ofNanos(System.nanoTime() - started).toMillis());
                    assertThat(next.output()).contains("swept 1 ledger entries");
                }
                assertThat(tree).describedAs("swept by the next JVM").noneMatch(OwnProcesses::isAlive);
                assertThat(PortAllocator.canBind("127.0.0.1", ready.port())).isTrue();
                assertThat(ledger(state)).isEmpty();
            } finally {
                tree.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
    }

    /** The shutdown hook path: the JVM stops its backends itself; the watchdog has nothing left to do. */
    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "INT"})
    void sigtermAndSigintToTheTestJvmLeaveNothing(String signal) throws Exception {
        Path state = temp.resolve("state");
        try (CrashJvm jvm = CrashJvm.start(WorkersCases.class, temp.resolve("jvm"), state)) {
            CrashJvm.Ready ready = jvm.awaitReady(READY);
            List<Long> tree = CrashJvm.tree(ready.backendPid());

            long signalled = System.nanoTime();
            jvm.signal(signal);

            assertThat(jvm.awaitExit(Duration.ofSeconds(30))).describedAs("exit code after SIG" + signal)
                    .isEqualTo(128 + (signal.equals("TERM") ? 15 : 2));
            System.out.printf("[crash] SIG%s: the JVM stopped %d processes and exited in %d ms%n", signal,
                    tree.size(), Duration.ofNanos(System.nanoTime() - signalled).toMillis());
            assertThat(tree).describedAs("uvicorn's tree after SIG" + signal).noneMatch(OwnProcesses::isAlive);
            assertThat(PortAllocator.canBind("127.0.0.1", ready.port())).isTrue();
            assertThat(CrashJvm.tagged(tagOf(jvm))).isEmpty();
            assertThat(ledger(state)).isEmpty();
            awaitTrue(() -> !OwnProcesses.isAlive(ready.watchdogPid()), Duration.ofSeconds(2), () -> "watchdog ended");
            assertThat(jvm.watchdogLog()).describedAs("the watchdog had nothing to do").isEmpty();
        }
    }

    /**
     * A normal stop also reaches a process that left the backend's tree (here a {@code sleep}
     * whose parent exited at once, so it was re-parented): it is still in the backend's process
     * group and carries its tag. Without a group of its own it would outlive the backend.
     */
    @Test
    void aNormalStopAlsoStopsWhatLeftTheTree() throws Exception {
        TestKit.assertAllPassed(TestKit.run(ReparentingCases.class), 1);

        Path pidFile = Path.of(ReparentingCases.PID_FILE.replace("{port}", Integer.toString(ReparentingCases.port)));
        long sleep = Long.parseLong(Files.readString(pidFile).trim());
        Files.delete(pidFile);
        try {
            assertThat(ReparentingCases.treeAtStart).describedAs("not in the backend's tree").doesNotContain(sleep);
            awaitTrue(() -> !OwnProcesses.isAlive(sleep), Duration.ofSeconds(1), () -> "re-parented sleep " + sleep
                    + " stopped with the backend");
            OwnProcesses.assertNoneLeft();
        } finally {
            ProcessHandle.of(sleep).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Polls until every pid of {@code tree} is gone and {@code port} can be bound; the time since {@code since}. */
    static Duration awaitGone(List<Long> tree, int port, long since, Duration timeout) throws InterruptedException {
        long deadline = since + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (tree.stream().noneMatch(OwnProcesses::isAlive) && PortAllocator.canBind("127.0.0.1", port)) {
                return Duration.ofNanos(System.nanoTime() - since);
            }
            Thread.sleep(5);
        }
        return timeout;
    }

    static void awaitTrue(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what.get());
            }
            Thread.sleep(10);
        }
    }

    /** The entries in the ledger of {@code stateDir}. */
    static List<Path> ledger(Path stateDir) {
        Path dir = stateDir.resolve("ledger");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".entry")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String tagOf(CrashJvm jvm) {
        return OwnerTag.VARIABLE + "=" + OwnProcesses.identityPrefix(jvm.pid());
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class PlainCases {
        @Test
        void serve(Backend backend) throws Exception {
            CrashJvm.ready(backend);
            Thread.sleep(120_000);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, args = {"--workers", "2"})
    static class WorkersCases {
        @Test
        void serve(Backend backend) throws Exception {
            CrashJvm.ready(backend);
            Thread.sleep(120_000);
        }
    }

    @ManagedBackend(name = "a", app = "apps.hello:app", dir = DIR, prefork = Prefork.ON)
    @ManagedBackend(name = "b", app = "apps.hello:app", dir = DIR, prefork = Prefork.ON)
    static class PreforkCases {
        @Test
        void serve(Backends backends) throws Exception {
            CrashJvm.ready(backends.all());
            Thread.sleep(120_000);
        }
    }

    @ManagedBackend(name = "reload", app = "apps.hello:app", dir = DIR, args = {"--reload", "--reload-dir", "apps"})
    @ManagedBackend(name = "daemon", dir = DIR, healthPath = "", command = {"sh", "-c",
            "(setsid sleep 300 &); exec python3 -m http.server {port} --bind {host}"})
    static class ReloadAndDaemonCases {
        @Test
        void serve(Backends backends) throws Exception {
            CrashJvm.ready(backends.all());
            Thread.sleep(120_000);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR, prefork = Prefork.ON)
    static class QuickPreforkCases {
        @Test
        void serve(Backend backend) {
            assertThat(backend.isRunning()).isTrue();
        }
    }

    /** A server whose shell leaves a {@code sleep} behind that is re-parented at once. */
    @ManagedBackend(dir = DIR, healthPath = "/", command = {"sh", "-c", "(sleep 300 & echo $! > "
            + ReparentingCases.PID_FILE + "); exec python3 -m http.server {port} --bind {host}"})
    static class ReparentingCases {
        static final String PID_FILE = "/tmp/managed-backend-reparented-{port}.pid";
        static volatile List<Long> treeAtStart;
        static volatile int port;

        @Test
        void serve(Backend backend) {
            port = backend.port();
            treeAtStart = CrashJvm.tree(backend.pid().getAsLong());
        }
    }

    /** A backend that SIGKILLs the test JVM (its parent) the moment it runs, then stays. */
    @ManagedBackend(dir = DIR, healthPath = "", command = {"sh", "-c", "echo $$ > " + KillsItsJvmCases.PID_FILE
            + "; kill -9 $PPID; exec sleep 300"})
    static class KillsItsJvmCases {
        static final String PID_FILE = "/tmp/managed-backend-kills-its-jvm-{port}.pid";

        @Test
        void test() {
        }

        /** The pid the backend wrote, from the newest pid file since {@code millis}; deletes the file. */
        static long spawnedSince(long millis) throws IOException {
            try (Stream<Path> files = Files.list(Path.of("/tmp"))) {
                Path file = files.filter(f -> f.getFileName().toString().startsWith("managed-backend-kills-its-jvm-"))
                        .filter(f -> f.toFile().lastModified() >= millis - 1000)
                        .max(java.util.Comparator.comparing(f -> f.toFile().lastModified()))
                        .orElseThrow(() -> new AssertionError("the backend never ran: no pid file"));
                long pid = Long.parseLong(Files.readString(file).trim());
                Files.delete(file);
                return pid;
            }
        }
    }

    /** Starts a backend and ends normally: what "the next test run" does. */
    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class QuickCases {
        @Test
        void serve(Backend backend) {
            assertThat(backend.isRunning()).isTrue();
        }
    }
}
