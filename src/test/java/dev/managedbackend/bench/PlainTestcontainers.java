package dev.managedbackend.bench;

import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The container floor users would otherwise write: Testcontainers' GenericContainer with
 * {@code Wait.forHttp("/health")} on the sample image.
 */
final class PlainTestcontainers implements Contender {

    private final String image;

    PlainTestcontainers(String image) {
        this.image = image;
    }

    /** @return {time to ready, time to stop} in nanoseconds */
    @Override
    public long[] run() {
        long start = System.nanoTime();
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(8000)
                .waitingFor(Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)));
        try {
            container.start();
            long ready = System.nanoTime() - start;
            long stopStart = System.nanoTime();
            container.stop();
            return new long[] {ready, System.nanoTime() - stopStart};
        } finally {
            container.close();
        }
    }
}
