package dev.managedbackend.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Prefork;
import dev.managedbackend.Scope;
import dev.managedbackend.internal.prefork.Templates;

/**
 * A suite of 20 classes against the sample app, once with one {@code Scope.RUN} backend shared
 * by all, once with a {@code Scope.CLASS} backend each, and once with a {@code Scope.CLASS}
 * backend each forked from a prefork template: total time of each, alternating, same run.
 */
final class ScopeBenchmark {

    private ScopeBenchmark() {
    }

    static void run(int rounds) {
        Stats shared = new Stats();
        Stats perClass = new Stats();
        Stats preforkFresh = new Stats();
        Stats preforkWarm = new Stats();
        for (int i = 0; i < rounds; i++) {
            shared.add(suite("R"));
            perClass.add(suite("C"));
            Templates.stopAll(); // from scratch, as the first suite of a test JVM: the template's import included
            preforkFresh.add(suite("P"));
            preforkWarm.add(suite("P")); // its template still runs, as for a later suite in the same JVM
        }
        System.out.printf(Locale.ROOT, "%n20 classes, %d rounds (ms, median): Scope.RUN %.0f, Scope.CLASS %.0f, ratio %.2f%n",
                rounds, shared.median(), perClass.median(), perClass.median() / shared.median());
        System.out.printf(Locale.ROOT, "20 classes, Scope.CLASS with prefork: %.0f ms from scratch (template start "
                + "included), ratio to Scope.RUN %.2f (target <= 2); %.0f ms with the template running, ratio %.2f%n",
                preforkFresh.median(), preforkFresh.median() / shared.median(), preforkWarm.median(),
                preforkWarm.median() / shared.median());
    }

    private static double suite(String prefix) {
        ClassSelector[] selectors = Arrays.stream(ScopeBenchmark.class.getDeclaredClasses())
                .filter(c -> c.getSimpleName().matches(prefix + "\\d+"))
                .map(c -> selectClass(c)).toArray(ClassSelector[]::new);
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        long start = System.nanoTime();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), summary);
        long took = System.nanoTime() - start;
        if (summary.getSummary().getTestsSucceededCount() != 20) {
            summary.getSummary().getFailures().forEach(f -> f.getException().printStackTrace());
            throw new IllegalStateException(prefix + " suite: " + summary.getSummary().getTestsSucceededCount() + " of 20 passed");
        }
        return Stats.ms(took);
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(app = "app.main:app", dir = "sample-fastapi", scope = Scope.RUN)
    @interface SharedForRun {
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(app = "app.main:app", dir = "sample-fastapi")
    @interface OwnPerClass {
    }

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ManagedBackend(app = "app.main:app", dir = "sample-fastapi", prefork = Prefork.ON)
    @interface ForkedPerClass {
    }

    abstract static class OneTest {
        @Test
        void answers(@BackendUrl URI api) {
            if (api.getPort() <= 0) {
                throw new AssertionError(api);
            }
        }
    }

    @SharedForRun static class R01 extends OneTest {
    }

    @SharedForRun static class R02 extends OneTest {
    }

    @SharedForRun static class R03 extends OneTest {
    }

    @SharedForRun static class R04 extends OneTest {
    }

    @SharedForRun static class R05 extends OneTest {
    }

    @SharedForRun static class R06 extends OneTest {
    }

    @SharedForRun static class R07 extends OneTest {
    }

    @SharedForRun static class R08 extends OneTest {
    }

    @SharedForRun static class R09 extends OneTest {
    }

    @SharedForRun static class R10 extends OneTest {
    }

    @SharedForRun static class R11 extends OneTest {
    }

    @SharedForRun static class R12 extends OneTest {
    }

    @SharedForRun static class R13 extends OneTest {
    }

    @SharedForRun static class R14 extends OneTest {
    }

    @SharedForRun static class R15 extends OneTest {
    }

    @SharedForRun static class R16 extends OneTest {
    }

    @SharedForRun static class R17 extends OneTest {
    }

    @SharedForRun static class R18 extends OneTest {
    }

    @SharedForRun static class R19 extends OneTest {
    }

    @SharedForRun static class R20 extends OneTest {
    }

    @OwnPerClass static class C01 extends OneTest {
    }

    @OwnPerClass static class C02 extends OneTest {
    }

    @OwnPerClass static class C03 extends OneTest {
    }

    @OwnPerClass static class C04 extends OneTest {
    }

    @OwnPerClass static class C05 extends OneTest {
    }

    @OwnPerClass static class C06 extends OneTest {
    }

    @OwnPerClass static class C07 extends OneTest {
    }

    @OwnPerClass static class C08 extends OneTest {
    }

    @OwnPerClass static class C09 extends OneTest {
    }

    @OwnPerClass static class C10 extends OneTest {
    }

    @OwnPerClass static class C11 extends OneTest {
    }

    @OwnPerClass static class C12 extends OneTest {
    }

    @OwnPerClass static class C13 extends OneTest {
    }

    @OwnPerClass static class C14 extends OneTest {
    }

    @OwnPerClass static class C15 extends OneTest {
    }

    @OwnPerClass static class C16 extends OneTest {
    }

    @OwnPerClass static class C17 extends OneTest {
    }

    @OwnPerClass static class C18 extends OneTest {
    }

    @OwnPerClass static class C19 extends OneTest {
    }

    @OwnPerClass static class C20 extends OneTest {
    }

    @ForkedPerClass static class P01 extends OneTest {
    }

    @ForkedPerClass static class P02 extends OneTest {
    }

    @ForkedPerClass static class P03 extends OneTest {
    }

    @ForkedPerClass static class P04 extends OneTest {
    }

    @ForkedPerClass static class P05 extends OneTest {
    }

    @ForkedPerClass static class P06 extends OneTest {
    }

    @ForkedPerClass static class P07 extends OneTest {
    }

    @ForkedPerClass static class P08 extends OneTest {
    }

    @ForkedPerClass static class P09 extends OneTest {
    }

    @ForkedPerClass static class P10 extends OneTest {
    }

    @ForkedPerClass static class P11 extends OneTest {
    }

    @ForkedPerClass static class P12 extends OneTest {
    }

    @ForkedPerClass static class P13 extends OneTest {
    }

    @ForkedPerClass static class P14 extends OneTest {
    }

    @ForkedPerClass static class P15 extends OneTest {
    }

    @ForkedPerClass static class P16 extends OneTest {
    }

    @ForkedPerClass static class P17 extends OneTest {
    }

    @ForkedPerClass static class P18 extends OneTest {
    }

    @ForkedPerClass static class P19 extends OneTest {
    }

    @ForkedPerClass static class P20 extends OneTest {
    }
}
