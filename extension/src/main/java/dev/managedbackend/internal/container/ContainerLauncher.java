package dev.managedbackend.internal.container;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import org.slf4j.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.DockerClient;

import dev.managedbackend.internal.BackendLauncher;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.LiveBackends;
import dev.managedbackend.internal.LogFile;
import dev.managedbackend.internal.ReadinessProbe;
import dev.managedbackend.internal.RunningBackend;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.Logs;

/**
 * Starts a container-mode backend ({@code image} or {@code dockerfile}) through Testcontainers
 * and returns it once ready, or throws with a message that says what went wrong; either way
 * nothing of a failed start is left running, and its container is removed.
 *
 * <p>Testcontainers creates and starts the container and is told not to wait; readiness is then
 * decided by {@link ReadinessProbe}, the same code as in process mode: the container has not
 * exited, something listens behind the mapped port, and {@code healthPath} answers 2xx.
 */
public final class ContainerLauncher implements BackendLauncher {

    /** Label on every container and built image: {@code <jvm pid>:<backend or Dockerfile>}. */
    public static final String OWNER_LABEL = "dev.managedbackend.owner";

    private static final Logger LOG = Logs.logger();
    /** How long a failure message waits for the container's last output to reach the log. */
    private static final Duration LAST_OUTPUT = Duration.ofSeconds(2);

    private final Settings settings;

    public ContainerLauncher(Settings settings) {
        this.settings = settings;
    }

    @Override
    public RunningBackend start(BackendSpec spec, String owner) {
        CrashGuard crashGuard = CrashGuard.get(settings.stateDir(), settings.logDir()); // the first start in a JVM sweeps what killed JVMs left
        DockerClient docker = DockerEngine.require(spec, settings.skipWithoutDocker());
        LogFile log = LogFile.create(settings.logDir(), owner, spec.name());
        ImageSource.Resolved image = ImageSource.resolve(spec, settings.containerBuildArgs(), docker, log);
        AutoCloseable release = image.lease() != null ? image.lease() : () -> { };
        ContainerOutput output = new ContainerOutput(log);
        GenericContainer<?> container;
        long launched;
        try {
            container = configure(spec, image.image(), output);
            log.note("starting a container of " + image.image() + (spec.args().isEmpty() ? "" : " with command "
                    + spec.args()) + ", containerPort " + spec.containerPort()
                    + (spec.env().isEmpty() ? "" : ", env " + spec.env().keySet()));
            launched = System.nanoTime();
            container.start(); // on failure, Testcontainers removes the container itself
        } catch (RuntimeException e) {
            closeQuietly(release);
            output.awaitEnd(LAST_OUTPUT);
            throw StartFailures.notStarted(spec, e, log);
        }
        OptionalInt port = ContainerBackend.mappedPort(container, spec.containerPort());
        if (port.isEmpty()) { // so quick to exit that Docker had released the port already
            String id = shortId(container.getContainerId());
            OptionalInt exit = ContainerBackend.exitCodeOf(container);
            container.stop();
            log.note("container " + id + " stopped and removed");
            closeQuietly(release);
            output.awaitEnd(LAST_OUTPUT);
            throw exit.isPresent() ? StartFailures.exitedEarly(spec, id, exit.getAsInt(), launched, log)
                    : StartFailures.noPortMapped(spec, log);
        }
        // removed by the watchdog, or the next run's ledger sweep, should this JVM be killed
        String containerId = container.getContainerId();
        crashGuard.watchContainer(containerId, dockerHost());
        AutoCloseable afterRemoval = () -> {
            crashGuard.forgetContainer(containerId);
            release.close();
        };
        ContainerBackend backend = new ContainerBackend(spec.name(), container, port.getAsInt(),
                spec.containerPort(), log, output, settings.stopTimeout(), afterRemoval);
        LiveBackends.add(backend);
        log.note("container " + backend.shortId() + " runs; containerPort " + spec.containerPort() + " is "
                + backend.baseUrl());
        try {
            new ReadinessProbe(backend.baseUrl(), spec.healthPath())
                    .await(backend, spec.startupTimeout(), settings.pollInterval());
        } catch (ReadinessProbe.Exited e) {
            backend.stop(Duration.ZERO);
            output.awaitEnd(LAST_OUTPUT);
            throw StartFailures.exitedEarly(spec, backend.shortId(), e.exitCode(), launched, log);
        } catch (ReadinessProbe.TimedOut e) {
            backend.stop(Duration.ZERO);
            output.awaitEnd(LAST_OUTPUT);
            throw StartFailures.timedOut(spec, backend, e.lastSeen(), log);
        } catch (RuntimeException | Error e) {
            backend.stop(Duration.ZERO);
            throw e;
        }
        LOG.info("backend '{}' ready at {} in {} ms ({}, container {}, log {})",
                spec.name(), backend.baseUrl(), Duration.ofNanos(System.nanoTime() - launched).toMillis(),
                spec.describe(), backend.shortId(), log.path());
        return backend;
    }

    private GenericContainer<?> configure(BackendSpec spec, String image, ContainerOutput output) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withEnv(spec.env())
                .withLabel(OWNER_LABEL, owner(spec.name()))
                .withLogConsumer(output)
                .waitingFor(StartWithoutWaiting.NO_WAIT)
                .withStartupCheckStrategy(StartWithoutWaiting.NO_CHECK)
                .withStartupAttempts(1);
        // A port binding rather than an exposed port: Testcontainers then does not wait for the
        // mapping to show, which a container that exits at once never does.
        container.setPortBindings(List.of((spec.picksPort() ? "" : spec.port() + ":") + spec.containerPort()));
        if (!spec.args().isEmpty()) {
            container.withCommand(spec.args().toArray(String[]::new));
        }
        return container;
    }

    /** The value of {@link #OWNER_LABEL} for what this JVM creates. */
    static String owner(String what) {
        return ProcessHandle.current().pid() + ":" + what;
    }

    private static String shortId(String id) {
        return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
    }

    /** The engine Testcontainers talks to, for the crash guard's {@code docker rm -f}; empty if unknown. */
    private static String dockerHost() {
        try {
            return DockerClientFactory.instance().getTransportConfig().getDockerHost().toString();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // nothing to add to the failure being reported
        }
    }
}
