package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.managedbackend.internal.os.HostFacts;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * Measures the portable path (no {@code /proc}, no util-linux {@code setsid}: the maintainers'
 * switch) against the Linux path, side by side in one run; not a test (run it by hand, from
 * {@code extension/} after {@code mvn test-compile}, with {@code VIRTUAL_ENV} set):
 * {@code java -cp target/test-classes:target/classes:<deps> dev.managedbackend.PortablePathCost [rounds]}.
 *
 * <p>Each round starts two child test JVMs one after the other, Linux path first, then portable
 * (alternating which goes first each round). Each starts and stops an {@code app} backend
 * {@link Fixture#STARTS} times (time to ready, time to stop, measured inside the JVM; the first
 * start of a JVM is reported apart: it loads what the path needs), starts one more, and is then
 * SIGKILLed: the time until the backend's processes are gone and its port is free is measured
 * from here, reading the real {@code /proc}.
 */
public final class PortablePathCost {

    private static final Pattern TIMES = Pattern.compile("\\[cost\\] (first|warm) ready (\\d+) stop (\\d+)");

    private PortablePathCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path temp = Files.createTempDirectory("portable-path-cost");
        Map<String, Map<String, List<Long>>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            List<Boolean> order = round % 2 == 1 ? List.of(false, true) : List.of(true, false);
            for (boolean portable : order) {
                String path = portable ? "portable" : "linux";
                Map<String, List<Long>> mine = results.computeIfAbsent(path, key -> new LinkedHashMap<>());
                Path dir = temp.resolve(path + "-" + round);
                Map<String, String> env = new LinkedHashMap<>();
                env.put(HostFacts.PORTABLE_VARIABLE, portable ? "1" : null);
                try (CrashJvm jvm = CrashJvm.start(Fixture.class, dir, dir.resolve("state"), env)) {
                    CrashJvm.Ready ready = jvm.awaitReady(Duration.ofSeconds(120));
                    List<Long> tree = CrashJvm.tagged(OwnerTag.VARIABLE + "=" + OwnProcesses.identityPrefix(jvm.pid()));
                    long killed = System.nanoTime();
                    jvm.process().destroyForcibly();
                    Duration gone = CrashTeardownTests.awaitGone(tree, ready.port(), killed, Duration.ofSeconds(30));
                    mine.computeIfAbsent("SIGKILL clean-up", key -> new ArrayList<>()).add(gone.toMillis());
                    Matcher times = TIMES.matcher(jvm.output());
                    while (times.find()) {
                        mine.computeIfAbsent(times.group(1) + " time to ready", key -> new ArrayList<>())
                                .add(Long.parseLong(times.group(2)));
                        mine.computeIfAbsent(times.group(1) + " time to stop", key -> new ArrayList<>())
                                .add(Long.parseLong(times.group(3)));
                    }
                }
            }
        }
        System.out.printf("%-22s %12s %12s %8s%n", "median ms (n)", "linux", "portable", "ratio");
        for (String what : results.get("linux").keySet()) {
            long linux = median(results.get("linux").get(what));
            long portable = median(results.get("portable").get(what));
            System.out.printf("%-22s %8d (%2d) %8d (%2d) %8.2f%n", what, linux, results.get("linux").get(what).size(),
                    portable, results.get("portable").get(what).size(), (double) portable / Math.max(1, linux));
        }
        System.out.println("all: " + results);
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted.length == 0 ? -1 : sorted[sorted.length / 2];
    }

    /** In the child JVM: starts and stops a backend, reports the times, starts one more and waits to be killed. */
    static class Fixture {
        static final int STARTS = 4;

        @Test
        void measure() throws Exception {
            BackendBuilder builder = BackendBuilder.app("apps.hello:app").dir(DIR);
            for (int i = 0; i < STARTS; i++) {
                long start = System.nanoTime();
                Backend backend = builder.start();
                long ready = System.nanoTime();
                backend.close();
                long stopped = System.nanoTime();
                System.out.printf("[cost] %s ready %d stop %d%n", i == 0 ? "first" : "warm",
                        (ready - start) / 1_000_000, (stopped - ready) / 1_000_000);
            }
            System.out.flush();
            Backend last = builder.start();
            CrashJvm.ready(last);
            Thread.sleep(300_000); // killed by the parent long before
        }
    }
}
