package dev.managedbackend.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.managedbackend.internal.PortAllocator;
import dev.managedbackend.internal.PortLease;
import dev.managedbackend.internal.prefork.Templates;

/**
 * Time to ready and time to stop of {@code @ManagedBackend} against the floor (raw uvicorn from
 * plain Java with 1 ms polling), alternating the contenders in one run after a warm-up, plus the
 * cost of picking a port. Run it with {@code mvn -B verify -Pbench -DskipExtensionTests}; it
 * prints a table of medians and ratios.
 */
public final class StartupBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 15);
        int warmup = Integer.getInteger("bench.warmup", 3);
        Path appDir = Path.of("sample-fastapi").toAbsolutePath();
        Path python = Path.of(System.getProperty("bench.python", appDir.resolve(".venv/bin/python").toString()));
        RawUvicorn floor = new RawUvicorn(python, appDir);
        ExtensionRun extension = new ExtensionRun();

        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, java %s; python %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), python);
        Duel process = Duel.run(floor, extension, rounds, warmup);
        System.out.printf(Locale.ROOT, "%nprocess mode, %d rounds after %d warm-up rounds (ms)%n", rounds, warmup);
        table(process, "floor", "@ManagedBackend", "time to ready", "time to stop");
        System.out.printf(Locale.ROOT, "ratio time to ready (ext/floor): %.3f   (target <= 1.10)%n",
                process.secondReady.median() / process.firstReady.median());
        System.out.printf(Locale.ROOT, "ratio time to stop  (ext/floor): %.3f   (target <= 1.50)%n",
                process.secondStop.median() / process.firstStop.median());
        System.out.printf(Locale.ROOT, "test-thread CPU per @ManagedBackend class run (JUnit engine included): %.1f ms%n",
                Stats.ms(process.secondCpuNanos) / rounds);
        System.out.printf(Locale.ROOT, "heap allocated by the test thread per @ManagedBackend class run (JUnit engine included): %.1f MB%n",
                process.secondAllocatedBytes / 1e6 / rounds);
        prefork(extension, new RawFork(python, appDir), rounds, warmup);
        portPicks();
        loadedLibraries();
        if (!Boolean.getBoolean("bench.skipContainers")) {
            containers(rounds, warmup);
        }
        ScopeBenchmark.run(Integer.getInteger("bench.scopeRounds", 3));
        MethodScopeBenchmark.run(Integer.getInteger("bench.methodRounds", 3));
    }

    /**
     * Prefork: the template's own start (the import, once per JVM) on its own; then a fresh forked
     * backend through {@code @ManagedBackend} against its floor (template.py driven by hand) and
     * against a cold start of the same app.
     */
    private static void prefork(ExtensionRun cold, RawFork floor, int rounds, int warmup) throws Exception {
        ExtensionRun forked = new ExtensionRun(BenchPreforkFixture.class);
        Templates.stopAll();
        long[] first = forked.run();
        System.out.printf(Locale.ROOT, "%nprefork: the first backend, template start (its import) included: "
                + "ready in %.1f ms%n", Stats.ms(first[0]));
        Duel raw;
        try (floor) {
            raw = Duel.run(floor, forked, rounds, warmup);
        }
        System.out.printf(Locale.ROOT, "prefork floor (template.py driven by hand, 1 ms socket polls) against "
                + "@ManagedBackend with prefork, %d rounds after %d warm-up rounds (ms)%n", rounds, warmup);
        table(raw, "prefork floor", "@ManagedBackend prefork", "time to ready", "time to stop");
        System.out.printf(Locale.ROOT, "ratio time to ready (ext/floor): %.3f; time to stop: %.3f%n",
                raw.secondReady.median() / raw.firstReady.median(), raw.secondStop.median() / raw.firstStop.median());
        Duel duel = Duel.run(cold, forked, rounds, warmup);
        System.out.printf(Locale.ROOT, "prefork against cold, @ManagedBackend both, %d rounds after %d warm-up rounds (ms)%n",
                rounds, warmup);
        table(duel, "cold", "prefork", "time to ready", "time to stop");
        System.out.printf(Locale.ROOT, "ratio time to ready (prefork/cold): %.3f   (target <= 0.15, aim 0.10)%n",
                duel.secondReady.median() / duel.firstReady.median());
        System.out.printf(Locale.ROOT, "ratio time to stop  (prefork/cold): %.3f%n",
                duel.secondStop.median() / duel.firstStop.median());
    }

    /** Container mode: plain Testcontainers with Wait.forHttp against @ManagedBackend(image = ...). */
    private static void containers(int rounds, int warmup) throws Exception {
        Duel container = Duel.run(new PlainTestcontainers("sample-fastapi:dev"), new ContainerExtensionRun(), rounds, warmup);
        System.out.printf(Locale.ROOT, "%ncontainer mode (image sample-fastapi:dev), %d rounds after %d warm-up rounds (ms)%n",
                rounds, warmup);
        table(container, "Testcontainers + Wait.forHttp", "@ManagedBackend(image)", "time to ready", "stop + remove");
        System.out.printf(Locale.ROOT, "ratio time to ready (ext/Testcontainers): %.3f   (target <= 0.80)%n",
                container.secondReady.median() / container.firstReady.median());
        System.out.printf(Locale.ROOT, "ratio stop (ext/Testcontainers): %.3f%n",
                container.secondStop.median() / container.firstStop.median());
    }

    private static void table(Duel duel, String first, String second, String ready, String stop) {
        System.out.printf(Locale.ROOT, "%-44s %9s %9s %9s%n", "", "median", "min", "max");
        row(first + ": " + ready, duel.firstReady);
        row(second + ": " + ready, duel.secondReady);
        row(first + ": " + stop, duel.firstStop);
        row(second + ": " + stop, duel.secondStop);
    }

    private static void row(String label, Stats stats) {
        System.out.printf(Locale.ROOT, "%-44s %9.1f %9.1f %9.1f%n", label, stats.median(), stats.min(), stats.max());
    }

    /** Cost of one pick (lease + bind check + release), in this JVM and across 4 JVMs. */
    private static void portPicks() throws Exception {
        Path stateDir = Files.createTempDirectory("mb-bench-state");
        PortAllocator allocator = PortAllocator.forStateDir(stateDir);
        for (int i = 0; i < 2000; i++) {
            allocator.pick("127.0.0.1", 20000, 32767, Set.of()).close();
        }
        int picks = 20000;
        long start = System.nanoTime();
        for (int i = 0; i < picks; i++) {
            allocator.pick("127.0.0.1", 20000, 32767, Set.of()).close();
        }
        double micros = (System.nanoTime() - start) / 1000.0 / picks;
        System.out.printf(Locale.ROOT, "%nport pick (lease + bind check + release), one JVM: %.1f us per pick%n", micros);

        List<Process> jvms = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < 4; i++) {
            jvms.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    PortPickLoad.class.getName(), stateDir.toString(), "3000")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        long total = 0;
        for (Process jvm : jvms) {
            String out = new String(jvm.getInputStream().readAllBytes()).trim();
            jvm.waitFor(60, TimeUnit.SECONDS);
            total += Long.parseLong(out);
        }
        System.out.printf(Locale.ROOT, "port picks across 4 JVMs at once, sharing one lease file: %d picks in 3 s = %.0f picks/s%n",
                total, total / 3.0);
    }

    /** OSHI and Testcontainers must not even be loaded on the process-mode path. */
    private static void loadedLibraries() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(ProcessHandle.current().pid()), "VM.class_hierarchy")
                .redirectErrorStream(true).start();
        String classes = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        System.out.printf(Locale.ROOT, "classes loaded in this JVM: oshi.* %s, org.testcontainers.* %s%n",
                classes.contains("oshi.") ? "LOADED" : "none", classes.contains("org.testcontainers.") ? "LOADED" : "none");
    }
}
