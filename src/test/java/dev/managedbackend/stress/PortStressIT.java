package dev.managedbackend.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Four JVMs at the same moment, each starting ten backends at once, several times over, all in
 * a narrow port range of 100 ports that a foreign process keeps grabbing ports from. Asserts no
 * failed start, no two live backends on one port, and no process left behind; prints figures.
 * Runs with {@code mvn verify -Pstress -DskipExtensionTests} (and in .ci/run).
 */
class PortStressIT {

    private static final int JVMS = 4;
    private static final int REPETITIONS = Integer.getInteger("stress.repetitions", 3);
    private static final String RANGE = "40000-40099";

    private record Start(long jvm, String name, int port, long pid, long listenerPid) {
    }

    @Test
    void fourJvmsTenBackendsEachNoCollisionNoFailureNoLeftover() throws Exception {
        Path out = Files.createTempFile("stress", ".txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        Process grabber = new ProcessBuilder(java, "-cp", classpath, PortGrabber.class.getName(), "40000", "40099")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long started = System.nanoTime();
        List<Process> jvms = new ArrayList<>();
        for (int i = 0; i < JVMS; i++) {
            // one state folder for the four (so they lease ports from each other), the build's own
            jvms.add(new ProcessBuilder(java, "-cp", classpath, "-Dstress.out=" + out, "-Dstress.range=" + RANGE,
                    "-Dmanagedbackend.stateDir=" + System.getProperty("managedbackend.stateDir", out + ".state"),
                    StressJvm.class.getName(), Integer.toString(REPETITIONS))
                    .redirectErrorStream(true).start());
        }
        long failed = 0;
        StringBuilder jvmOutput = new StringBuilder();
        for (Process jvm : jvms) {
            String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(jvm.waitFor(5, TimeUnit.MINUTES)).isTrue();
            jvmOutput.append(output);
            failed += output.lines().filter(l -> l.startsWith("failed=")).mapToLong(l -> Long.parseLong(l.substring(7))).sum();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        grabber.getOutputStream().close();
        String grabbed = new String(grabber.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        grabber.waitFor(10, TimeUnit.SECONDS);

        List<Start> starts = Files.readAllLines(out).stream().map(l -> l.split(" "))
                .map(f -> new Start(Long.parseLong(f[0]), f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4])))
                .toList();
        int collisions = collisions(starts);
        List<Long> leftovers = jvms.stream().flatMap(jvm -> LeftoverProcesses.of(jvm.pid()).stream()).toList();
        long retries = retriesLogged();
        System.out.printf("stress: %d JVMs x %d runs x 10 backends in ports %s: %d starts checked, %d failed, "
                + "%d collisions, %d port retries, %d leftovers, foreign %s, wall %.1f s%n",
                JVMS, REPETITIONS, RANGE, starts.size(), failed, collisions, retries, leftovers.size(), grabbed, seconds);

        assertThat(failed).as("failed starts; JVM output:%n%s", jvmOutput).isZero();
        assertThat(starts).hasSize(JVMS * REPETITIONS * 10);
        assertThat(collisions).isZero();
        assertThat(leftovers).as("processes left by the stress JVMs").isEmpty();
    }

    /** Backends whose port was held by a process other than the backend itself. */
    private static int collisions(List<Start> starts) {
        return (int) starts.stream().filter(s -> s.listenerPid() != s.pid()).count();
    }

    private static long retriesLogged() throws Exception {
        Path logs = Path.of("target/managed-backend");
        try (var files = Files.list(logs)) {
            return files.filter(f -> f.getFileName().toString().startsWith("StressFixture-"))
                    .mapToLong(f -> {
                        try {
                            return Files.readAllLines(f).stream().filter(l -> l.contains("trying another port")).count();
                        } catch (Exception e) {
                            return 0;
                        }
                    }).sum();
        }
    }
}
