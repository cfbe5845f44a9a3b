package dev.managedbackend.bench;

/**
 * {@code @ManagedBackend(image = ...)} through the JUnit Platform launcher: from the start of the
 * class to the test body receiving the URL, and from the end of the test to the end of the class,
 * by which time the extension has stopped and removed the container.
 */
final class ContainerExtensionRun implements Contender {

    private final FixtureRun fixture = new FixtureRun(BenchImageFixture.class);

    @Override
    public long[] run() {
        FixtureRun.Times times = fixture.run(() -> { });
        return new long[] {BenchImageFixture.urlReceivedAt - times.classStarted(), times.classEnded() - times.testEnded()};
    }
}
