package dev.managedbackend.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a one-test fixture class through the JUnit Platform launcher, the way a build does, and
 * notes when the class started, when its test ended, and when the class ended (by then the
 * extension has stopped the class's backends). Any failure fails the run.
 */
final class FixtureRun {

    /** Nanosecond timestamps of one run. */
    record Times(long classStarted, long testEnded, long classEnded) {
    }

    private final Launcher launcher = LauncherFactory.create();
    private final Class<?> fixture;

    FixtureRun(Class<?> fixture) {
        this.fixture = fixture;
    }

    /** Runs the fixture; {@code atTestEnd} runs right when the test has finished. */
    Times run(Runnable atTestEnd) {
        AtomicLong classStarted = new AtomicLong();
        AtomicLong testEnded = new AtomicLong();
        AtomicLong classEnded = new AtomicLong();
        TestExecutionListener timing = new TestExecutionListener() {
            private boolean isFixture(TestIdentifier id) {
                return id.isContainer()
                        && id.getSource().map(s -> s.toString().contains(fixture.getName())).orElse(false);
            }

            @Override
            public void executionStarted(TestIdentifier id) {
                if (isFixture(id)) {
                    classStarted.set(System.nanoTime());
                }
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    throw new IllegalStateException(id.getDisplayName() + " failed", result.getThrowable().orElse(null));
                }
                if (id.isTest()) {
                    testEnded.set(System.nanoTime());
                    atTestEnd.run();
                } else if (isFixture(id)) {
                    classEnded.set(System.nanoTime());
                }
            }
        };
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(), timing);
        if (classEnded.get() == 0 || testEnded.get() == 0) {
            throw new IllegalStateException(fixture.getSimpleName() + " did not run to the end");
        }
        return new Times(classStarted.get(), testEnded.get(), classEnded.get());
    }
}
