package dev.managedbackend.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.URI;
import java.util.Locale;

import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Prefork;
import dev.managedbackend.Scope;
import dev.managedbackend.internal.prefork.Templates;

/**
 * 100 tests with a fresh {@code Scope.METHOD} backend each, cold and with prefork: total time of
 * each class, alternating, same run. The prefork class starts from scratch (no template) every
 * round, so its template's start is in its total.
 */
final class MethodScopeBenchmark {

    private static final int TESTS = 100;

    private MethodScopeBenchmark() {
    }

    static void run(int rounds) {
        if (rounds == 0) {
            return;
        }
        Stats cold = new Stats();
        Stats forked = new Stats();
        for (int i = 0; i < rounds; i++) {
            Templates.stopAll();
            if (i % 2 == 0) {
                cold.add(suite(ColdPerMethod.class));
                forked.add(suite(ForkedPerMethod.class));
            } else {
                forked.add(suite(ForkedPerMethod.class));
                cold.add(suite(ColdPerMethod.class));
            }
        }
        System.out.printf(Locale.ROOT, "%n%d Scope.METHOD tests, %d rounds (ms, median): cold %.0f (%.1f per test), "
                + "prefork %.0f (%.1f per test, template start included), ratio %.3f%n", TESTS, rounds, cold.median(),
                cold.median() / TESTS, forked.median(), forked.median() / TESTS, forked.median() / cold.median());
    }

    private static double suite(Class<?> fixture) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        long start = System.nanoTime();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture))
                .build(), summary);
        long took = System.nanoTime() - start;
        if (summary.getSummary().getTestsSucceededCount() != TESTS) {
            summary.getSummary().getFailures().forEach(f -> f.getException().printStackTrace());
            throw new IllegalStateException(fixture.getSimpleName() + ": " + summary.getSummary()
                    .getTestsSucceededCount() + " of " + TESTS + " passed");
        }
        return Stats.ms(took);
    }

    @ManagedBackend(app = "app.main:app", dir = "sample-fastapi", scope = Scope.METHOD)
    static class ColdPerMethod {
        @RepeatedTest(TESTS)
        void answers(@BackendUrl URI api, RepetitionInfo repetition) {
            if (api.getPort() <= 0) {
                throw new AssertionError(api);
            }
        }
    }

    @ManagedBackend(app = "app.main:app", dir = "sample-fastapi", scope = Scope.METHOD, prefork = Prefork.ON)
    static class ForkedPerMethod {
        @RepeatedTest(TESTS)
        void answers(@BackendUrl URI api, RepetitionInfo repetition) {
            if (api.getPort() <= 0) {
                throw new AssertionError(api);
            }
        }
    }
}
