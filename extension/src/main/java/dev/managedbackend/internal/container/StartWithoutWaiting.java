package dev.managedbackend.internal.container;

import java.time.Duration;

import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;

import com.github.dockerjava.api.DockerClient;

/**
 * Makes Testcontainers return from {@code start()} as soon as Docker has started the container.
 * By default it waits for the first mapped port and checks the container's state at most once a
 * second; readiness is decided by the extension's own probe instead, the same one process mode
 * uses, which polls every few milliseconds and notices an exit at once.
 */
final class StartWithoutWaiting {

    /** In place of Testcontainers' default wait for the first mapped port. */
    static final WaitStrategy NO_WAIT = new WaitStrategy() {
        @Override
        public void waitUntilReady(WaitStrategyTarget target) {
            // the ReadinessProbe waits
        }

        @Override
        public WaitStrategy withStartupTimeout(Duration startupTimeout) {
            return this;
        }
    };

    /** In place of the check that the container keeps running (rate-limited to one per second). */
    static final StartupCheckStrategy NO_CHECK = new StartupCheckStrategy() {
        @Override
        public boolean waitUntilStartupSuccessful(DockerClient dockerClient, String containerId) {
            return true;
        }

        @Override
        public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
            return StartupStatus.SUCCESSFUL;
        }
    };

    private StartWithoutWaiting() {
    }
}
