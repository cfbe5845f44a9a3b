package dev.managedbackend;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs fixtures in a child JVM of their own, for what the test JVM cannot show: another
 * classpath (no Testcontainers), no Docker engine in sight, a JVM that exits under its backends.
 * {@link #main} runs each fixture through EngineTestKit and writes what happened to a report file
 * the parent reads with {@link #outcome}.
 */
final class IsolatedRun {

    /** How one fixture class ended in the child JVM. */
    record Outcome(String status, String exception, String message, int testsSucceeded, long millis) {
    }

    private static final String DIRECTORY = IsolatedRun.class.getName() + ".directory";

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Path report;
    private final Path output;
    private long pid;

    /**
     * @param classPath the child's classpath
     * @param dir       where the report and the child's output go
     * @param jvmArgs   options for the child JVM, e.g. {@code -Dkey=value}
     */
    IsolatedRun(String classPath, Path dir, List<String> jvmArgs) {
        this.report = dir.resolve("report.properties");
        this.output = dir.resolve("child.log");
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the suite's own state folder, never the developer's; a -D in jvmArgs comes later and wins
        command.addAll(ChildJvm.stateDirArg());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, IsolatedRun.class.getName(), report.toString()));
    }

    /** Runs the child with these wrapper commands before java (e.g. {@code unshare ...}). */
    IsolatedRun wrappedIn(List<String> wrapper) {
        command.addAll(0, wrapper);
        return this;
    }

    /** Sets (or, with {@code null}, removes) a variable of the child's environment. */
    IsolatedRun env(String key, String value) {
        environment.put(key, value);
        return this;
    }

    /**
     * Runs {@code fixtures} one after another in a new JVM and waits for it to end; a fixture
     * entry may add configuration parameters: {@code Class?key=value&key=value}.
     *
     * @return the child's exit code
     */
    int run(String... fixtures) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of(fixtures));
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile());
        environment.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        Process child = builder.start();
        pid = child.pid();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("child JVM did not end within 120 s; output:\n" + output());
        }
        return child.exitValue();
    }

    /** The pid of the last child JVM {@link #run} started (what the owner labels of its containers name). */
    long pid() {
        return pid;
    }

    /** What the child printed, for assertion messages. */
    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "(no output)";
    }

    /** How {@code fixture} ended in the child JVM. */
    Outcome outcome(Class<?> fixture) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(report)) {
            try (Reader in = Files.newBufferedReader(report)) {
                properties.load(in);
            }
        }
        String key = fixture.getName();
        if (properties.getProperty(key + ".status") == null) {
            throw new AssertionError("no outcome of " + key + " in " + report + "; child output:\n" + output());
        }
        return new Outcome(properties.getProperty(key + ".status"), properties.getProperty(key + ".exception", ""),
                properties.getProperty(key + ".message", ""),
                Integer.parseInt(properties.getProperty(key + ".succeeded", "0")),
                Long.parseLong(properties.getProperty(key + ".millis", "0")));
    }

    /** In the child JVM: the folder of the report, for fixtures that leave more behind. */
    static Path directory() {
        return Path.of(System.getProperty(DIRECTORY));
    }

    /** The child: {@code args[0]} is the report file, the rest fixtures as for {@link #run}. */
    public static void main(String[] args) throws Exception {
        Path report = Path.of(args[0]);
        System.setProperty(DIRECTORY, report.getParent().toString());
        Properties properties = new Properties();
        for (int i = 1; i < args.length; i++) {
            String[] parts = args[i].split("\\?", 2);
            Map<String, String> configuration = new LinkedHashMap<>();
            if (parts.length == 2) {
                for (String pair : parts[1].split("&")) {
                    configuration.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
            }
            Class<?> fixture = Class.forName(parts[0]);
            long started = System.nanoTime();
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .enableImplicitConfigurationParameters(true) // -D options count, as in a real run
                    .configurationParameters(configuration).selectors(selectClass(fixture)).execute();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Event finished = results.containerEvents().finished().list().stream()
                    .filter(event -> event.getTestDescriptor().getUniqueId().toString()
                            .endsWith("[class:" + fixture.getName() + "]"))
                    .findFirst().orElseThrow();
            TestExecutionResult result = finished.getRequiredPayload(TestExecutionResult.class);
            String key = fixture.getName();
            properties.setProperty(key + ".status", result.getStatus().name());
            result.getThrowable().ifPresent(t -> {
                properties.setProperty(key + ".exception", t.getClass().getName());
                properties.setProperty(key + ".message", String.valueOf(t.getMessage()));
            });
            properties.setProperty(key + ".succeeded", Long.toString(results.testEvents().succeeded().count()));
            properties.setProperty(key + ".millis", Long.toString(millis));
            try (Writer out = Files.newBufferedWriter(report)) {
                properties.store(out, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        System.exit(0);
    }
}
