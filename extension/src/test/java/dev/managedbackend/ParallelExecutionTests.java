package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * JUnit's parallel execution, classes and methods concurrent: every class gets its own CLASS
 * backend on its own port, the classes that declare an identical RUN backend share exactly one,
 * and nothing is left afterwards. Latches prove that the classes really ran at the same time.
 */
@ExtendWith(OwnProcesses.class)
class ParallelExecutionTests {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static final Map<String, Long> RUN_PIDS = new ConcurrentHashMap<>();
    /** The "one" tests of the three CLASS fixtures, and of the three RUN fixtures, meet here. */
    static volatile CountDownLatch ownTogether;
    static volatile CountDownLatch runTogether;

    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "6");

    @Test
    void classesAndMethodsInParallelShareNothingByAccidentAndOneRunBackendOnPurpose() {
        SEEN.clear();
        RUN_PIDS.clear();
        ownTogether = new CountDownLatch(3);
        runTogether = new CountDownLatch(3);
        EngineExecutionResults results = TestKit.run(PARALLEL, ClassA.class, ClassB.class, ClassC.class,
                RunA.class, RunB.class, RunC.class);

        TestKit.assertAllPassed(results, 12);
        // each line: class pid port; the CLASS backends of A, B and C differ, within a class they agree
        Map<String, String> byClass = new ConcurrentHashMap<>();
        Set<String> ports = new HashSet<>();
        for (String line : SEEN) {
            String[] f = line.split(" ");
            String previous = byClass.putIfAbsent(f[0], f[1] + " " + f[2]);
            assertThat(previous == null || previous.equals(f[1] + " " + f[2])).as("one backend per class: %s", line).isTrue();
        }
        byClass.values().forEach(pidPort -> ports.add(pidPort.split(" ")[1]));
        assertThat(byClass).hasSize(3);
        assertThat(ports).as("distinct ports").hasSize(3);
        assertThat(Set.copyOf(RUN_PIDS.values())).as("one RUN backend for the three classes").hasSize(1);
        assertThat(RUN_PIDS).hasSize(6);
        // the latches opened: the three classes really ran at the same time, each with its backend up
        assertThat(ownTogether.getCount()).isZero();
        assertThat(runTogether.getCount()).isZero();
    }

    /** Waits until the two other classes' tests are running too; fails if they never are. */
    static void meet(CountDownLatch latch) throws InterruptedException {
        latch.countDown();
        assertThat(latch.await(60, TimeUnit.SECONDS)).describedAs("the other classes ran at the same time").isTrue();
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    @interface OwnHello {
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(dir = DIR, app = "apps.hello:app", scope = Scope.RUN, env = "GREETING=shared")
    @interface SharedHello {
    }

    abstract static class OwnBase {
        @Test
        void one(Backend backend) throws InterruptedException {
            note(backend);
            meet(ownTogether);
        }

        @Test
        void two(Backend backend) throws InterruptedException {
            note(backend);
        }

        private void note(Backend backend) throws InterruptedException {
            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
            SEEN.add(getClass().getSimpleName() + " " + backend.pid().getAsLong() + " " + backend.port());
            Thread.sleep(50);
        }
    }

    abstract static class RunBase {
        @Test
        void one(Backend backend) throws InterruptedException {
            note("one", backend);
            meet(runTogether);
        }

        @Test
        void two(Backend backend) {
            note("two", backend);
        }

        private void note(String test, Backend backend) {
            assertThat(Http.get(backend.baseUrl() + "/").body()).contains("shared");
            RUN_PIDS.put(getClass().getSimpleName() + "." + test, backend.pid().getAsLong());
        }
    }

    @OwnHello
    static class ClassA extends OwnBase {
    }

    @OwnHello
    static class ClassB extends OwnBase {
    }

    @OwnHello
    static class ClassC extends OwnBase {
    }

    @SharedHello
    static class RunA extends RunBase {
    }

    @SharedHello
    static class RunB extends RunBase {
    }

    @SharedHello
    static class RunC extends RunBase {
    }
}
