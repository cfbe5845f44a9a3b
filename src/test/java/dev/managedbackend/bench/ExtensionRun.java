package dev.managedbackend.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The contender: {@code @ManagedBackend} run through the JUnit Platform launcher. Time to ready
 * is from the start of the class to the moment the test body receives the URL; time to stop is
 * from the end of the test to the moment the whole process tree is gone.
 */
final class ExtensionRun {

    private final Launcher launcher = LauncherFactory.create();

    /** @return {time to ready, time to stop} in nanoseconds */
    long[] run() throws Exception {
        AtomicLong classStarted = new AtomicLong();
        AtomicLong testEnded = new AtomicLong();
        AtomicLong treeGone = new AtomicLong();
        TestExecutionListener timing = new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier id) {
                if (id.isContainer() && id.getSource().map(s -> s.toString().contains("BenchFixture")).orElse(false)) {
                    classStarted.compareAndSet(0, System.nanoTime());
                }
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    throw new IllegalStateException(id.getDisplayName() + " failed", result.getThrowable().orElse(null));
                }
                if (id.isTest()) {
                    testEnded.set(System.nanoTime());
                    List<ProcessHandle> tree = BenchFixture.tree;
                    CompletableFuture.allOf(tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                            .thenRun(() -> treeGone.set(System.nanoTime()));
                }
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(BenchFixture.class)).build();
        launcher.execute(request, timing);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (treeGone.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backend's process tree did not go away within 30 s");
            }
            Thread.sleep(1);
        }
        return new long[] {BenchFixture.urlReceivedAt - classStarted.get(), treeGone.get() - testEnded.get()};
    }
}
