package dev.managedbackend.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * The contender: {@code @ManagedBackend} run through the JUnit Platform launcher. Time to ready
 * is from the start of the class to the moment the test body receives the URL; time to stop is
 * from the end of the test to the moment the whole process tree is gone, seen by a thread that
 * looks every millisecond (a forked backend is not this JVM's child, so {@code onExit()} would
 * notice its end only on the JDK's own, slower polls).
 */
final class ExtensionRun implements Contender {

    private final FixtureRun fixture;

    /** The cold start of {@link BenchFixture}. */
    ExtensionRun() {
        this(BenchFixture.class);
    }

    /** {@code fixture} notes its URL and tree with {@link BenchFixture#note}. */
    ExtensionRun(Class<?> fixture) {
        this.fixture = new FixtureRun(fixture);
    }

    @Override
    public long[] run() throws Exception {
        AtomicLong treeGone = new AtomicLong();
        FixtureRun.Times times = fixture.run(() -> {
            // watched from the end of the test, before the extension starts stopping the tree
            List<ProcessHandle> tree = BenchFixture.tree;
            Thread watcher = new Thread(() -> {
                while (tree.stream().anyMatch(ProcessIdentity::isRunning)) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                treeGone.set(System.nanoTime());
            }, "bench tree watcher");
            watcher.setDaemon(true);
            watcher.start();
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
