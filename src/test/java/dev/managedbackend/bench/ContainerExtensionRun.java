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
 * {@code @ManagedBackend(image = ...)} through the JUnit Platform launcher: from the start of the
 * class to the test body receiving the URL, and from the end of the test to the end of the class,
 * by which time the extension has stopped and removed the container.
 */
final class ContainerExtensionRun {

    private final Launcher launcher = LauncherFactory.create();

    /** @return {time to ready, time to stop} in nanoseconds */
    long[] run() {
        AtomicLong classStarted = new AtomicLong();
        AtomicLong testEnded = new AtomicLong();
        AtomicLong classEnded = new AtomicLong();
        TestExecutionListener timing = new TestExecutionListener() {
            private boolean isFixture(TestIdentifier id) {
                return id.isContainer() && id.getSource().map(s -> s.toString().contains("BenchImageFixture")).orElse(false);
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
                } else if (isFixture(id)) {
                    classEnded.set(System.nanoTime());
                }
            }
        };
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(BenchImageFixture.class)).build(),
                timing);
        if (classEnded.get() == 0 || testEnded.get() == 0) {
            throw new IllegalStateException("the container fixture did not run to the end");
        }
        return new long[] {BenchImageFixture.urlReceivedAt - classStarted.get(), classEnded.get() - testEnded.get()};
    }
}
