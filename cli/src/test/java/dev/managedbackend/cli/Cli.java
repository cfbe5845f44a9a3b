package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * The command line as users run it: the packaged jar, {@code java -jar}, a process of its own,
 * outside Maven's classpath. Each instance has its own state folder, and on {@link #close()}
 * stops every backend {@code start} started there and fails if any process that one of its
 * command-line JVMs tagged is still alive (so nothing outlives the suite).
 */
final class Cli implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    static final Path JAR = Path.of(System.getProperty("cli.jar", "target/managed-backend-cli.jar"));
    static final Path LAUNCHER = Path.of(System.getProperty("cli.launcher", "bin/managed-backend"));
    /** sample-fastapi: app.main:app, with its .venv. */
    static final Path SAMPLE = Path.of(System.getProperty("cli.sample", "../sample-fastapi")).toAbsolutePath().normalize();
    /** The extension's failure fixtures: apps.broken, apps.silent, bin/python-without-uvicorn. */
    static final Path FIXTURES = Path.of(System.getProperty("cli.fixtures", "../extension/src/test/python"))
            .toAbsolutePath().normalize();
    /** A Python with fastapi and uvicorn, for the fixtures (which have no .venv of their own). */
    static final Path PYTHON = Path.of(System.getProperty("cli.venv", "../sample-fastapi/.venv"), "bin", "python")
            .toAbsolutePath().normalize();
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    private Path state;
    private Path temp;
    private final List<Long> jvms = new CopyOnWriteArrayList<>();
    private int runs;

    /**
     * As a test's {@code @RegisterExtension} instance field: a folder of its own for each test (the
     * state folder and the runs' output), made before the test; after it, {@link #close()} and the
     * folder removed.
     */
    Cli() {
    }

    Cli(Path temp) {
        use(temp);
    }

    private void use(Path folder) {
        this.temp = folder;
        this.state = folder.resolve("state");
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        use(Files.createTempDirectory("managed-backend-cli-"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            close();
        } finally {
            try (Stream<Path> files = Files.walk(temp)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    Path state() {
        return state;
    }

    /** What one run printed and how it ended. */
    record Result(int exit, String out, String err) {
        /** The last line of stdout: where {@code start} prints the URL. */
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1].strip();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code java -jar <jar> ARGS} in this module's folder; waits for it to end. */
    Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return finish(spawn(env, args));
    }

    /** {@code java -jar <jar> ARGS} in the folder {@code dir}, as a user runs it from a project's folder. */
    Result runIn(Path dir, String... args) throws IOException, InterruptedException {
        return finish(spawn(Map.of(), dir, args));
    }

    /** Starts {@code java -jar <jar> ARGS}; its output goes to files, read by {@link #finish}. */
    Spawned spawn(Map<String, String> env, String... args) throws IOException {
        return spawn(env, null, args);
    }

    private Spawned spawn(Map<String, String> env, Path dir, String... args) throws IOException {
        int n = ++runs;
        Path out = temp.resolve("run-" + n + ".out");
        Path err = temp.resolve("run-" + n + ".err");
        List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-Dmanagedbackend.stateDir=" + state,
                "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .directory(dir == null ? null : dir.toFile());
        builder.environment().put("VIRTUAL_ENV", PYTHON.getParent().getParent().toString());
        builder.environment().remove("MANAGED_BACKEND_OWNER");
        builder.environment().putAll(env);
        Process process = builder.start();
        jvms.add(process.pid());
        return new Spawned(process, out, err);
    }

    record Spawned(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }
    }

    static Result finish(Spawned spawned) throws IOException, InterruptedException {
        if (!spawned.process().waitFor(180, TimeUnit.SECONDS)) {
            spawned.process().destroyForcibly();
            throw new AssertionError("the command line did not end within 180 s");
        }
        return new Result(spawned.process().exitValue(), Files.readString(spawned.out(), StandardCharsets.UTF_8),
                Files.readString(spawned.err(), StandardCharsets.UTF_8));
    }

    /** The live processes tagged by command-line JVMs of this instance (backends, run commands). */
    List<Long> tagged() {
        List<Long> found = new ArrayList<>();
        for (long jvm : jvms) {
            found.addAll(taggedBy(jvm));
        }
        return found;
    }

    /**
     * Live processes whose environment carries the tag of the JVM {@code jvm} of this host and pid
     * namespace: {@code MANAGED_BACKEND_OWNER=<boot>-<pid namespace>-<jvm>-<start>-<random>:...}.
     */
    static List<Long> taggedBy(long jvm) {
        String marker = "MANAGED_BACKEND_OWNER=" + ProcessIdentity.boot() + "-" + JvmIdentity.pidNamespace() + "-"
                + jvm + "-";
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String env = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.ISO_8859_1);
                    if ((env.startsWith(marker) || env.contains("\0" + marker)) && isAlive(Long.parseLong(
                            proc.getFileName().toString()))) {
                        found.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** Running, not a zombie. */
    static boolean isAlive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether something accepts connections on 127.0.0.1:port (a probe that binds could make the server's bind fail). */
    static boolean listens(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** GET, with the status code, or -1 if nothing answers. */
    static int get(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            return client.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Polls {@code condition} every 10 ms; true once it holds, false after {@code timeout}. */
    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    /** Extra environment for a run. */
    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Override
    public void close() throws Exception {
        if (Files.isDirectory(state)) {
            Result stop = run("stop", "--all");
            assertThat(stop.exit()).describedAs("stop --all at the end: %s", stop).isZero();
        }
        boolean clean = await(() -> tagged().isEmpty(), Duration.ofSeconds(60));
        List<Long> left = tagged();
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        assertThat(clean).describedAs("processes of the command line left running: %s", left).isTrue();
    }
}
