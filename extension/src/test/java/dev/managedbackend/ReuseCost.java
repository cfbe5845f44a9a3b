package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Measures reuse between runs; not a test (run it by hand, from {@code extension/} after
 * {@code mvn test-compile}, with {@code VIRTUAL_ENV} set and {@code CI} unset):
 * {@code java -cp target/test-classes:target/classes:<deps> dev.managedbackend.ReuseCost [rounds]}.
 *
 * <p>Each round runs a test class with one {@code CLASS} backend in a new JVM twice, cold
 * ({@code managedbackend.reuse=false}) and reused (the backend kept by the previous reused run),
 * which goes first flipping every round, after one warm-up round; for the sample-sized app
 * {@code apps.hello} and for {@code apps.slow_import}, which takes 2 s to import. The figure is
 * the time from the class's start (the launcher's event) to the first line of the test body, and,
 * in the same JVM right after it, one bare GET of {@code /health} on an HTTP client already used
 * (the floor of a health check). Medians are printed. Each run has its own state folder.
 */
public final class ReuseCost {

    private ReuseCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path state = Files.createTempDirectory("reuse-cost");
        for (Class<?> fixture : List.of(HelloCases.class, SlowImportCases.class)) {
            List<double[]> cold = new ArrayList<>();
            List<double[]> reused = new ArrayList<>();
            run(fixture, "true", state); // keeps the first backend
            for (int round = 0; round < 1 + rounds; round++) {
                boolean coldFirst = round % 2 == 0;
                double[] first = run(fixture, coldFirst ? "false" : "true", state);
                double[] second = run(fixture, coldFirst ? "true" : "false", state);
                if (round >= 1) {
                    cold.add(coldFirst ? first : second);
                    reused.add(coldFirst ? second : first);
                }
            }
            double c = median(cold, 0);
            double r = median(reused, 0);
            double get = median(reused, 1);
            System.out.printf(Locale.ROOT, "%s, %d rounds: class start to test body: cold median %.1f ms (min %.1f, "
                    + "max %.1f); reused median %.1f ms (min %.1f, max %.1f); bare GET /health median %.2f ms; "
                    + "cold / reused %.1f; reused / GET %.1f%n", fixture.getSimpleName(), rounds, c, min(cold, 0),
                    max(cold, 0), r, min(reused, 0), max(reused, 0), get, c / r, r / get);
        }
        System.out.println("state folder (kept backends stop after the idle timeout): " + state);
    }

    /** One run in a new JVM: {class start to body ms, bare GET ms}. */
    private static double[] run(Class<?> fixture, String reuse, Path state) throws IOException, InterruptedException {
        Path out = Files.createTempFile("reuse-cost", ".txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                "-D" + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=" + state, "-Dmanagedbackend.reuse=" + reuse,
                "-Dmanagedbackend.reuseIdleSeconds=300", "-Dreuse.cost.out=" + out, Child.class.getName(),
                fixture.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the run of " + fixture.getSimpleName() + " failed");
        }
        String[] parts = Files.readString(out).strip().split(" ");
        Files.delete(out);
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    /** The child JVM: runs one fixture class, noting when the class starts. */
    public static final class Child {
        static volatile long classStart;

        public static void main(String[] args) throws Exception {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(Class.forName(args[0]))).build(), new TestExecutionListener() {
                        @Override
                        public void executionStarted(TestIdentifier identifier) {
                            if (identifier.isContainer() && identifier.getSource().map(s -> s.toString()
                                    .contains(args[0])).orElse(false)) {
                                classStart = System.nanoTime();
                            }
                        }

                        @Override
                        public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
                            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                                result.getThrowable().ifPresent(Throwable::printStackTrace);
                                System.exit(1);
                            }
                        }
                    });
            System.exit(0);
        }
    }

    static void body(Backend backend) throws Exception {
        double toBody = (System.nanoTime() - Child.classStart) / 1e6;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(backend.baseUrl() + "/health"))
                .timeout(Duration.ofSeconds(10)).build();
        client.send(request, HttpResponse.BodyHandlers.ofString()); // the client's own first-use cost, not a GET's
        long start = System.nanoTime();
        client.send(request, HttpResponse.BodyHandlers.ofString());
        double get = (System.nanoTime() - start) / 1e6;
        Files.writeString(Path.of(System.getProperty("reuse.cost.out")), toBody + " " + get);
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class HelloCases {
        @Test
        void body(Backend backend) throws Exception {
            ReuseCost.body(backend);
        }
    }

    @ManagedBackend(app = "apps.slow_import:app", dir = DIR)
    static class SlowImportCases {
        @Test
        void body(Backend backend) throws Exception {
            ReuseCost.body(backend);
        }
    }

    private static double median(List<double[]> values, int i) {
        List<Double> sorted = values.stream().map(v -> v[i]).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<double[]> values, int i) {
        return values.stream().mapToDouble(v -> v[i]).min().orElse(0);
    }

    private static double max(List<double[]> values, int i) {
        return values.stream().mapToDouble(v -> v[i]).max().orElse(0);
    }
}
