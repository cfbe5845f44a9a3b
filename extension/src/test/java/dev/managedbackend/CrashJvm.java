package dev.managedbackend;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.crash.CrashGuard;

/**
 * A child test JVM for crash tests: runs one fixture class through the JUnit launcher, the way a
 * build's test JVM does, with its own state folder (so its ledger is the test's to look at) and
 * log folder. A fixture calls {@link #ready(Backend)} once its backend is up; the parent reads
 * that with {@link #awaitReady(Duration)} and then kills the JVM however the test wants.
 */
final class CrashJvm implements AutoCloseable {

    private static final String READY_FILE = "crash.readyFile";

    /**
     * What a fixture reported once its backend was ready (a container: backendPid 0, port 0); with
     * several backends, the first, and all of them in {@code backendPids} and {@code ports}.
     */
    record Ready(long jvmPid, long backendPid, int port, long watchdogPid, String containerId,
            List<Long> backendPids, List<Integer> ports) {
    }

    private final Process process;
    private final Path dir;

    private CrashJvm(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /**
     * Starts a JVM that runs {@code fixture}; its output, ready file and backend logs go to
     * {@code dir}, its ledger to {@code stateDir}/ledger.
     */
    static CrashJvm start(Class<?> fixture, Path dir, Path stateDir, String... jvmArgs) {
        return start(fixture, dir, stateDir, Map.of(), jvmArgs);
    }

    /** As {@link #start(Class, Path, Path, String...)}, with {@code environment} set (or, for a null value, removed). */
    static CrashJvm start(Class<?> fixture, Path dir, Path stateDir, Map<String, String> environment,
            String... jvmArgs) {
        return start(fixture, dir, stateDir, environment, List.of(), jvmArgs);
    }

    /**
     * As {@link #start(Class, Path, Path, Map, String...)}, run by {@code wrapper} (e.g. {@code unshare ...}),
     * which gets the java command line as its last arguments.
     */
    static CrashJvm start(Class<?> fixture, Path dir, Path stateDir, Map<String, String> environment,
            List<String> wrapper, String... jvmArgs) {
        List<String> command = new ArrayList<>(wrapper);
        if (sigintIgnored()) {
            // a shell without job control starts background jobs with SIGINT ignored, and the JVM
            // keeps it that way; the SIGINT test needs the default disposition back
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-cp", ChildJvm.classPathWithLogging(), // the sweep's INFO line, for the tests
                "-D" + READY_FILE + "=" + dir.resolve("ready.properties"),
                "-D" + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=" + stateDir,
                "-D" + ManagedBackend.LOG_DIR_PROPERTY_NAME + "=" + dir.resolve("logs"),
                Main.class.getName(), fixture.getName()));
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("jvm.log").toFile());
            environment.forEach((key, value) -> {
                if (value == null) {
                    builder.environment().remove(key);
                } else {
                    builder.environment().put(key, value);
                }
            });
            Process process = builder.start();
            return new CrashJvm(process, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Process process() {
        return process;
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the fixture's backend to be ready; fails with the JVM's output if it is not. */
    Ready awaitReady(Duration timeout) throws IOException, InterruptedException {
        Path file = dir.resolve("ready.properties");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the child JVM did not report a ready backend within " + timeout
                        + " (alive: " + process.isAlive() + "); its output:\n" + output());
            }
            Thread.sleep(10);
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return new Ready(Long.parseLong(p.getProperty("jvm")), Long.parseLong(p.getProperty("pid", "0")),
                Integer.parseInt(p.getProperty("port", "0")), Long.parseLong(p.getProperty("watchdog", "-1")),
                p.getProperty("container", ""),
                Arrays.stream(p.getProperty("pids", p.getProperty("pid", "0")).split(",")).map(Long::valueOf).toList(),
                Arrays.stream(p.getProperty("ports", p.getProperty("port", "0")).split(",")).map(Integer::valueOf)
                        .toList());
    }

    /** Sends {@code signal} (e.g. {@code INT}) to the JVM. */
    void signal(String signal) throws IOException, InterruptedException {
        // the shell's built-in kill: there on every machine that has /bin/sh
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -s " + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the JVM to end and returns its exit code. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child JVM did not end within " + timeout + "; its output:\n" + output());
        }
        return process.exitValue();
    }

    String output() throws IOException {
        Path log = dir.resolve("jvm.log");
        String text = Files.exists(log) ? Files.readString(log) : "(no output)";
        String watchdog = watchdogLog();
        return text + (watchdog.isEmpty() ? "" : "\nwatchdog log:\n" + watchdog);
    }

    /** The watchdog's log, empty if it never had to act. */
    String watchdogLog() {
        return watchdogLog(dir.resolve("logs"), process.pid());
    }

    /**
     * The log (all of them, should it have been replaced) of the watchdog of JVM {@code jvmPid}
     * under {@code logDir}: {@code watchdog/watchdog-<jvm identity>.log}; empty if there is none.
     */
    static String watchdogLog(Path logDir, long jvmPid) {
        Path folder = logDir.resolve("watchdog");
        if (!Files.isDirectory(folder)) {
            return "";
        }
        try (Stream<Path> logs = Files.list(folder)) {
            StringBuilder text = new StringBuilder();
            for (Path log : logs.filter(log -> log.getFileName().toString().startsWith(
                    "watchdog-" + OwnProcesses.identityPrefix(jvmPid))).sorted().toList()) {
                text.append(Files.readString(log));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the JVM if it still runs, and whatever its backends left, so a failed test leaves nothing. */
    @Override
    public void close() {
        process.destroyForcibly();
        killTagged(OwnerTag.VARIABLE + "=" + OwnProcesses.identityPrefix(process.pid()));
    }

    /** SIGKILL to every process of ours whose environment has an entry starting with {@code prefix}. */
    static void killTagged(String prefix) {
        for (long pid : tagged(prefix)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Live processes whose environment has an entry that starts with {@code prefix}. */
    static List<Long> tagged(String prefix) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                    if (environ.startsWith(prefix) || environ.contains("\0" + prefix)) {
                        found.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** {@code pid} and its descendants right now. */
    static List<Long> tree(long pid) {
        List<Long> tree = new ArrayList<>(List.of(pid));
        try (Stream<ProcessHandle> descendants = ProcessHandle.of(pid).map(ProcessHandle::descendants)
                .orElseGet(Stream::empty)) {
            descendants.map(ProcessHandle::pid).forEach(tree::add);
        }
        return tree;
    }

    private static boolean sigintIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).trim(), 16) & 0x2) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: assume the default
        }
        return false;
    }

    /** In a fixture: the folder the parent gave this JVM (where it reads the ready file). */
    static Path folder() {
        return Path.of(System.getProperty(READY_FILE)).getParent();
    }

    /** In a fixture: reports the ready backend to the parent (written whole or not at all). */
    static void ready(Backend backend) throws IOException {
        ready(List.of(backend));
    }

    /** In a fixture: reports ready backends to the parent (written whole or not at all). */
    static void ready(Collection<? extends Backend> backends) throws IOException {
        Properties p = new Properties();
        Backend first = backends.iterator().next();
        p.setProperty("pid", Long.toString(first.pid().getAsLong()));
        p.setProperty("port", Integer.toString(first.port()));
        p.setProperty("pids", backends.stream().map(b -> Long.toString(b.pid().getAsLong()))
                .collect(Collectors.joining(",")));
        p.setProperty("ports", backends.stream().map(b -> Integer.toString(b.port())).collect(Collectors.joining(",")));
        report(p);
    }

    /** In a fixture: reports a container (registered with the crash guard) and its host port, if any. */
    static void readyContainer(String containerId, int port) throws IOException {
        Properties p = new Properties();
        p.setProperty("container", containerId);
        p.setProperty("port", Integer.toString(port));
        report(p);
    }

    private static void report(Properties p) throws IOException {
        Path file = Path.of(System.getProperty(READY_FILE));
        p.setProperty("jvm", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("watchdog", Long.toString(CrashGuard.watchdogPid().orElse(-1)));
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Writer out = Files.newBufferedWriter(partial)) {
            p.store(out, null);
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The child JVM: runs the fixture class named by {@code args[0]}, then exits. */
    static final class Main {
        public static void main(String[] args) throws ClassNotFoundException {
            // failures are printed, so that a fixture that did not get ready says why in the test's message
            org.junit.platform.launcher.listeners.SummaryGeneratingListener summary =
                    new org.junit.platform.launcher.listeners.SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(Class.forName(args[0]))).build(), summary);
            summary.getSummary().printFailuresTo(new java.io.PrintWriter(System.err, true), 20);
            System.exit(0);
        }
    }
}
