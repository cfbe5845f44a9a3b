package dev.managedbackend.internal.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.slf4j.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.DockerClient;

import dev.managedbackend.internal.BackendLauncher;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.Caller;
import dev.managedbackend.internal.LiveBackends;
import dev.managedbackend.internal.LogFile;
import dev.managedbackend.internal.ReadinessProbe;
import dev.managedbackend.internal.LaunchedBackend;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.ContainerRemover;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * Starts a container-mode backend ({@code image} or {@code dockerfile}) through Testcontainers
 * and returns it once ready, or throws with a message that says what went wrong; either way
 * nothing of a failed start is left running, and its container is removed.
 *
 * <p>{@code startupTimeoutSeconds} bounds the whole start ({@link StartDeadline}): Testcontainers'
 * preparation ({@link DockerEngine}), the image's pull or build and the container's creation run
 * on threads of their own and are given up at the deadline, with a message that names the step
 * they were at; readiness gets what is left.
 *
 * <p>Testcontainers creates and starts the container and is told not to wait; readiness is then
 * decided by {@link ReadinessProbe}, the same code as in process mode: the container has not
 * exited, something listens behind the mapped port, and {@code healthPath} answers 2xx.
 */
public final class ContainerLauncher implements BackendLauncher {

    /** Label on every container and built image: {@code <jvm identity>:<backend or Dockerfile>}, for people. */
    public static final String OWNER_LABEL = "dev.managedbackend.owner";
    /**
     * Label on every container: {@code <jvm identity>-<n>}, one value per start and unique across
     * the JVMs that share an engine ({@link dev.managedbackend.internal.os.JvmIdentity}), so that
     * the container of a start that was given up, or of a JVM that was killed, is found and
     * removed, and nothing else.
     */
    public static final String START_LABEL = "dev.managedbackend.start";
    /**
     * On images this JVM builds: its identity across hosts and reboots
     * ({@link dev.managedbackend.internal.os.OwnerTag#jvmIdentity()}), by which {@link LeftoverImages}
     * decides that an image is left over.
     */
    public static final String JVM_LABEL = "dev.managedbackend.jvm";

    private static final Logger LOG = Logs.logger();
    /** How long a failure message waits for the container's last output to reach the log. */
    private static final Duration LAST_OUTPUT = Duration.ofSeconds(2);

    private final Settings settings;

    public ContainerLauncher(Settings settings) {
        this.settings = settings;
    }

    @Override
    public LaunchedBackend start(BackendSpec spec, String owner) {
        StartDeadline deadline = new StartDeadline(spec); // bounds all that follows
        CrashGuard crashGuard = CrashGuard.get(settings.stateDir(), settings.logDir()); // the first start in a JVM sweeps what killed JVMs left
        DockerClient docker = DockerEngine.require(spec, settings.skipWithoutDocker(), deadline);
        LogFile log = LogFile.create(settings.logDir(), owner, spec.name());
        Map<String, String> labels = Map.of(OWNER_LABEL, owner(spec.name()), START_LABEL, deadline.id());
        // Registered before anything is created, by the label only this start's container has:
        // removed by the watchdog, or the next run's ledger sweep, should this JVM be killed at any instant.
        String registered = ContainerRemover.LABEL_PREFIX + START_LABEL + "=" + deadline.id();
        crashGuard.watchContainer(registered, dockerHost());
        Launched launched;
        try {
            launched = deadline.run(() -> launch(spec, docker, labels, log, deadline), Launched::discard,
                    () -> removeLeftovers(docker, labels, log),
                    step -> {
                        log.note("start given up after " + spec.startupTimeout().toSeconds()
                                + " s (startupTimeoutSeconds) while " + step.doing());
                        return StartFailures.notStartedInTime(spec, step, log);
                    });
        } catch (RuntimeException | Error e) {
            if (removeLeftovers(docker, labels, log)) {
                crashGuard.forgetContainer(registered); // nothing of it exists: nothing to guard
            }
            throw e;
        }
        GenericContainer<?> container = launched.container();
        AutoCloseable afterRemoval = () -> {
            crashGuard.forgetContainer(registered);
            launched.release().close();
        };
        ContainerBackend backend = new ContainerBackend(spec.name(), container, launched.port(),
                spec.containerPort(), log, launched.output(), settings.stopTimeout(), afterRemoval);
        LiveBackends.add(backend);
        log.note("container " + backend.shortId() + " runs; containerPort " + spec.containerPort() + " is "
                + backend.baseUrl());
        try {
            // what is left of the bound, with at least one poll
            Duration left = deadline.remaining().compareTo(settings.pollInterval()) > 0 ? deadline.remaining()
                    : settings.pollInterval();
            new ReadinessProbe(backend.baseUrl(), spec.healthPath()).await(backend, left, settings.pollInterval());
        } catch (ReadinessProbe.Exited e) {
            backend.stop(Duration.ZERO);
            launched.output().awaitEnd(LAST_OUTPUT);
            throw StartFailures.exitedEarly(spec, backend.shortId(), e.exitCode(), launched.started(), log);
        } catch (ReadinessProbe.TimedOut e) {
            backend.stop(Duration.ZERO);
            launched.output().awaitEnd(LAST_OUTPUT);
            throw StartFailures.timedOut(spec, backend, e.lastSeen(), log);
        } catch (ReadinessProbe.NotFound e) {
            backend.stop(Duration.ZERO);
            launched.output().awaitEnd(LAST_OUTPUT);
            throw StartFailures.healthPathNotFound(spec, backend, e.getMessage(), log);
        } catch (ReadinessProbe.Interrupted e) {
            Thread.interrupted(); // the engine's client gives up on an interrupted thread: remove it first
            try {
                backend.stop(Duration.ZERO);
            } finally {
                Thread.currentThread().interrupt();
            }
            throw StartFailures.interrupted(spec, backend, log);
        } catch (RuntimeException | Error e) {
            backend.stop(Duration.ZERO);
            throw e;
        }
        LOG.info("backend '{}' ready at {} in {} ms ({}, container {}, log {})",
                spec.name(), backend.baseUrl(), Duration.ofNanos(System.nanoTime() - launched.started()).toMillis(),
                spec.describe(), backend.shortId(), log.path());
        return backend;
    }

    /**
     * A container that Docker started, with a host port for {@code containerPort}; not yet ready.
     *
     * @param started {@link System#nanoTime} when the container was started
     * @param release releases the built image, once the container is removed
     */
    private record Launched(GenericContainer<?> container, int port, long started, ContainerOutput output,
            AutoCloseable release) {

        /** A launch that ended after its deadline: the container is removed by its labels; this lets go of the rest. */
        void discard() {
            output.close();
            closeQuietly(release);
        }
    }

    /** The blocking part of a start, on the deadline's own thread: the image, then the container. */
    private Launched launch(BackendSpec spec, DockerClient docker, Map<String, String> labels, LogFile log,
            StartDeadline deadline) {
        ImageSource.Resolved image = ImageSource.resolve(spec, settings.containerBuildArgs(), docker, log, deadline);
        AutoCloseable release = image.lease() != null ? image.lease() : () -> { };
        ContainerOutput output = new ContainerOutput(log);
        GenericContainer<?> container;
        long started;
        try {
            container = configure(spec, image.image(), labels, output,
                    settings.containerBindAddress().hostIp(DockerClientFactory.instance().dockerHostIpAddress()));
            deadline.at(new StartDeadline.Step("Docker had not yet created and started the container of "
                    + image.image(), "Check that the engine answers (docker info) and is not overloaded, or raise "
                    + Caller.current().name("startupTimeoutSeconds") + " (it bounds the whole start)."));
            log.note("starting a container of " + image.image() + (spec.args().isEmpty() ? "" : " with command "
                    + spec.args()) + ", containerPort " + spec.containerPort()
                    + (spec.env().isEmpty() ? "" : ", env " + spec.env().keySet()));
            started = System.nanoTime();
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
            throw exit.isPresent() ? StartFailures.exitedEarly(spec, id, exit.getAsInt(), started, log)
                    : StartFailures.noPortMapped(spec, log);
        }
        return new Launched(container, port.getAsInt(), started, output, release);
    }

    /** Removes the containers of a start that was given up, found by its labels. */
    /** Removes what a failed start created after all; true if nothing of it is left. */
    private static boolean removeLeftovers(DockerClient docker, Map<String, String> labels, LogFile log) {
        try {
            List<String> removed = LeftoverContainerRemover.removeLabelled(docker, labels);
            if (!removed.isEmpty()) {
                log.note("removed container " + removed.stream().map(ContainerLauncher::shortId).toList()
                        + ", created by a start that failed or was given up");
            }
            return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().isEmpty();
        } catch (RuntimeException e) {
            log.note("could not look for containers of labels " + labels + " to remove: " + DockerReason.of(e));
            return false;
        }
    }

    private static GenericContainer<?> configure(BackendSpec spec, String image, Map<String, String> labels,
            ContainerOutput output, String hostIp) {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withEnv(spec.env())
                .withLabels(labels)
                .withLogConsumer(output)
                .waitingFor(StartWithoutWaiting.NO_WAIT)
                .withStartupCheckStrategy(StartWithoutWaiting.NO_CHECK)
                .withStartupAttempts(1);
        // A port binding rather than an exposed port: Testcontainers then does not wait for the
        // mapping to show, which a container that exits at once never does.
        container.setPortBindings(List.of((spec.picksPort() ? "" : spec.port() + ":") + spec.containerPort()));
        container.withCreateContainerCmdModifier(PortBindings.onHostIp(hostIp));
        if (!spec.args().isEmpty()) {
            container.withCommand(spec.args().toArray(String[]::new));
        }
        return container;
    }

    /** The value of {@link #OWNER_LABEL} for what this JVM creates. */
    static String owner(String what) {
        return OwnerTag.of(what);
    }

    private static String shortId(String id) {
        return id == null ? "?" : id.substring(0, Math.min(12, id.length()));
    }

    /** The engine Testcontainers talks to, for the crash guard's {@code docker rm -f}; empty if unknown. */
    static String dockerHost() {
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
