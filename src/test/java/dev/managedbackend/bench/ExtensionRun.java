package dev.managedbackend.bench;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contender: {@code @ManagedBackend} run through the JUnit Platform launcher. Time to ready
 * is from the start of the class to the moment the test body receives the URL; time to stop is
 * from the end of the test to the moment the whole process tree is gone.
 */
final class ExtensionRun implements Contender {

    private final FixtureRun fixture = new FixtureRun(BenchFixture.class);

    @Override
    public long[] run() throws Exception {
        AtomicLong treeGone = new AtomicLong();
        FixtureRun.Times times = fixture.run(() -> {
            // watched from the end of the test, before the extension starts stopping the tree
            List<ProcessHandle> tree = BenchFixture.tree;
            CompletableFuture.allOf(tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .thenRun(() -> treeGone.set(System.nanoTime()));
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (treeGone.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the backend's process tree did not go away within 30 s");
            }
            Thread.sleep(1);
        }
        return new long[] {BenchFixture.urlReceivedAt - times.classStarted(), treeGone.get() - times.testEnded()};
    }
}
