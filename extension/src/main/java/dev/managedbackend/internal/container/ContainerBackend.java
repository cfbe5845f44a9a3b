package dev.managedbackend.internal.container;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.testcontainers.containers.GenericContainer;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;

import dev.managedbackend.internal.BaseUrls;
import dev.managedbackend.internal.LiveBackends;
import dev.managedbackend.internal.LogFile;
import dev.managedbackend.internal.ReadinessProbe;
import dev.managedbackend.internal.LaunchedBackend;
import dev.managedbackend.internal.os.Logs;

/**
 * A backend that runs as a container, reached at the host port Docker mapped for
 * {@code containerPort} on the engine's host (as Testcontainers reports it, so a remote
 * {@code DOCKER_HOST} works too). Closing it stops the container (SIGTERM, then SIGKILL after
 * the stop timeout) and removes it, and releases the image it was built from, if any.
 */
final class ContainerBackend implements LaunchedBackend, ReadinessProbe.Subject {

    private static final Logger LOG = Logs.logger();

    private final String name;
    private final GenericContainer<?> container;
    private final String containerId;
    private final String host;
    private final int port;
    private final int containerPort;
    private final LogFile log;
    private final ContainerOutput output;
    private final Duration stopTimeout;
    private final AutoCloseable afterRemoval;
    private volatile boolean closed;
    /** What the engine gets beyond the grace period to stop and remove a container. */
    private static final Duration ENGINE_BOUND = Duration.ofSeconds(20);

    ContainerBackend(String name, GenericContainer<?> container, int port, int containerPort, LogFile log,
            ContainerOutput output, Duration stopTimeout, AutoCloseable afterRemoval) {
        this.name = name;
        this.container = container;
        this.containerId = container.getContainerId();
        this.host = container.getHost();
        this.port = port;
        this.containerPort = containerPort;
        this.log = log;
        this.output = output;
        this.stopTimeout = stopTimeout;
        this.afterRemoval = afterRemoval;
    }

    /** The host port Docker mapped for {@code containerPort}, if the container still had it. */
    static OptionalInt mappedPort(GenericContainer<?> container, int containerPort) {
        try {
            return OptionalInt.of(container.getMappedPort(containerPort));
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty(); // it stopped before Testcontainers looked
        }
    }

    /** The exit code once the container has stopped; empty while it runs (or has not started). */
    static OptionalInt exitCodeOf(GenericContainer<?> container) {
        try {
            InspectContainerResponse.ContainerState state = container.getCurrentContainerInfo().getState();
            String status = String.valueOf(state.getStatus());
            if (Boolean.TRUE.equals(state.getRunning()) || status.equals("created") || status.equals("restarting")
                    || status.equals("paused")) {
                return OptionalInt.empty();
            }
            Long code = state.getExitCodeLong();
            return OptionalInt.of(code == null ? -1 : code.intValue());
        } catch (NotFoundException e) {
            return OptionalInt.of(-1); // removed behind our back
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUrl() {
        return BaseUrls.of(host, port);
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.empty();
    }

    @Override
    public Optional<String> containerId() {
        return Optional.of(containerId);
    }

    @Override
    public Path logFile() {
        return log.path();
    }

    /** False once stopped; asked of the engine otherwise, bounded (an engine that does not answer: false). */
    @Override
    public boolean isRunning() {
        return !closed && EngineCalls.ask(container::isRunning, false);
    }

    /** Asked of the engine, bounded (an engine that does not answer: not known, so empty). */
    @Override
    public OptionalInt exitCode() {
        return EngineCalls.ask(() -> exitCodeOf(container), OptionalInt.empty());
    }

    @Override
    public Optional<String> listenerProblem() {
        return MappedPort.listenerProblem(host, port, containerPort);
    }

    @Override
    public void close() {
        stop(stopTimeout);
    }

    /**
     * Stops the container, giving it {@code grace} after SIGTERM before SIGKILL, and removes it
     * (Testcontainers' {@code stop()} kills and removes it with its volumes). Bounded: the engine
     * gets {@code grace} plus {@link #ENGINE_BOUND}; an engine that does not answer by then is
     * named in a warning and the container keeps its crash-ledger entry (the watchdog and the next
     * sweep try again), so a hung engine never holds the JVM's exit.
     */
    synchronized void stop(Duration grace) {
        if (closed) {
            return;
        }
        Thread stopping = new Thread(() -> stopInEngine(grace), "managed-backend stop container " + shortId());
        stopping.setDaemon(true);
        stopping.start();
        Duration bound = grace.plus(ENGINE_BOUND);
        // waited for even by an interrupted caller (the interrupt is kept): a stop must finish or give up
        boolean interrupted = false;
        long deadline = System.nanoTime() + bound.toNanos();
        while (stopping.isAlive() && System.nanoTime() < deadline) {
            try {
                stopping.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
            closed = true;
            LiveBackends.remove(this);
            LOG.warn("managed-backend: backend '" + name + "': the Docker engine " + ContainerLauncher.dockerHost()
                    + " did not stop and remove container " + containerId + " within " + bound.toSeconds() + " s; "
                    + "its crash-ledger entry stays for the watchdog and the next sweep (or remove it: docker rm -f -v "
                    + shortId() + ")");
        }
    }

    private void stopInEngine(Duration grace) {
        try {
            if (!grace.isZero()) {
                try {
                    container.getDockerClient().stopContainerCmd(containerId)
                            .withTimeout((int) Math.max(1, grace.toSeconds())).exec();
                } catch (RuntimeException alreadyStoppedOrGone) {
                    // the removal below does what is left to do
                }
            }
            container.stop();
            output.awaitEnd(Duration.ofSeconds(1)); // its last words, before our note
            output.close();
        } catch (RuntimeException e) {
            log.note("Testcontainers could not stop container " + shortId() + ": " + e);
        } finally {
            closed = true;
            LiveBackends.remove(this);
        }
        // verified, and removed again if need be: only a container that is gone is forgotten
        if (LeftoverContainerRemover.remove(container.getDockerClient(), containerId)) {
            log.note("container " + shortId() + " stopped and removed");
            try {
                afterRemoval.close();
            } catch (Exception e) {
                log.note("could not release the image of container " + shortId() + ": " + e);
            }
        } else {
            LOG.warn("managed-backend: backend '" + name + "': container " + containerId
                    + " could not be removed; its crash-ledger entry stays for the next sweep (or remove it: "
                    + "docker rm -f -v " + shortId() + ")");
        }
    }

    String shortId() {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    @Override
    public String toString() {
        return "backend '" + name + "' (container " + shortId() + ", " + baseUrl() + ")";
    }
}
