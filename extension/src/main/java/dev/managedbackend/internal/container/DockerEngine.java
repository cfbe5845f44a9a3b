package dev.managedbackend.internal.container;

import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.ResourceReaper;

import com.github.dockerjava.api.DockerClient;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.container.StartDeadline.Step;

/**
 * The Docker engine, as Testcontainers finds it ({@code DOCKER_HOST}, its config file, the local
 * socket, ...), and Testcontainers' preparation for it: the engine's host address, then its reaper
 * (Ryuk), which it pulls and starts first unless {@code TESTCONTAINERS_RYUK_DISABLED=true}.
 *
 * <p>The preparation runs once per JVM, on a daemon thread of its own, one step after another so
 * that a start that runs out of time can say which step it waited for; each start waits for it
 * within its own deadline. That thread is never interrupted: Testcontainers would keep its client
 * half made (a reaper marked started that never ran), and its pulls retry an interrupt anyway. A
 * failed preparation is tried again by the next start, which Testcontainers answers at once with
 * the failure it remembers. No engine is a clear failure within seconds, never a hang.
 */
final class DockerEngine {

    private static final Pattern IMAGE_NAME = Pattern.compile("imageName=([^,)<]+)[,)]");
    private static final Object LOCK = new Object();
    private static Preparation current;

    private DockerEngine() {
    }

    /**
     * The client, once Testcontainers is ready, or a failure that says no engine answers (an
     * aborted test instead, where the user opted in with
     * {@value ManagedBackend#CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME}), or, at the deadline, a
     * failure that names the step Testcontainers was at.
     */
    static DockerClient require(BackendSpec spec, boolean skipWithoutDocker, StartDeadline deadline) {
        Preparation preparation = preparation();
        try {
            return preparation.client.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            BackendStartException failure = StartFailures.notStartedInTime(spec, preparation.step, null);
            if (skipWithoutDocker && preparation.step == Steps.ENGINE) {
                throw new TestAbortedException(failure.getMessage() + " Skipped because "
                        + ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME + " = true.");
            }
            throw failure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendStartException("backend '" + spec.name() + "' (" + spec.describe() + "): the start "
                    + "was interrupted while " + preparation.step.doing() + ".", e);
        } catch (ExecutionException e) {
            throw failed(spec, skipWithoutDocker, preparation.step, e.getCause() == null ? e : e.getCause());
        }
    }

    /** The preparation under way or done; a new one if the last one failed. */
    private static Preparation preparation() {
        synchronized (LOCK) {
            if (current == null || current.client.isCompletedExceptionally()) {
                current = new Preparation();
            }
            return current;
        }
    }

    private static RuntimeException failed(BackendSpec spec, boolean skipWithoutDocker, Step step, Throwable e) {
        String where = "backend '" + spec.name() + "' (" + spec.describe() + ")";
        if (mentionsRyuk(e)) {
            return new BackendStartException(where + ": Testcontainers reached the Docker engine but could "
                    + "not start its reaper container (Ryuk): " + e.getMessage() + ". Where the Ryuk image "
                    + "cannot be pulled (an offline machine, a registry without it), set the environment "
                    + "variable TESTCONTAINERS_RYUK_DISABLED=true; the extension removes its containers "
                    + "itself, at the end of their scope and when the JVM exits.", e);
        }
        if (step == Steps.HOST) {
            return new BackendStartException(where + ": Testcontainers reached the Docker engine but could not "
                    + "find the address of its host: " + DockerReason.of(e) + ". " + Steps.HOST.advice(), e);
        }
        String dockerHost = System.getenv("DOCKER_HOST");
        String searched = "Testcontainers found no Docker engine that answers (DOCKER_HOST "
                + (dockerHost == null ? "is not set" : "= " + dockerHost) + "; it also looks at "
                + "~/.testcontainers.properties and the local socket /var/run/docker.sock): "
                + e.getMessage();
        if (skipWithoutDocker) {
            return new TestAbortedException(where + " needs a Docker engine; skipped because "
                    + ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME + " = true. " + searched);
        }
        return new BackendStartException(where + " needs a Docker engine, and none is reachable. "
                + searched + ". Start Docker, or point DOCKER_HOST at a running engine. Where these "
                + "tests may run without Docker, set " + ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME
                + "=true (junit-platform.properties or -D) to skip them instead of failing.", e);
    }

    private static boolean mentionsRyuk(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("ryuk")) {
                return true;
            }
        }
        return false;
    }

    /** Testcontainers' preparation, its steps taken on its own thread; {@link #step} is where it is. */
    private static final class Preparation {
        final CompletableFuture<DockerClient> client = new CompletableFuture<>();
        volatile Step step = Steps.ENGINE;

        Preparation() {
            Thread thread = new Thread(this::prepare, "managed-backend Testcontainers preparation");
            thread.setDaemon(true); // a preparation that never ends must not keep the JVM alive
            thread.start();
        }

        private void prepare() {
            try {
                DockerClientFactory factory = DockerClientFactory.instance();
                URI engine = factory.getTransportConfig().getDockerHost(); // finds the engine
                step = Steps.HOST;
                factory.dockerHostIpAddress(); // remembered; client() and every container use it
                step = ryukEnabled() ? Steps.ryuk(ryukImage()) : Steps.connecting(engine);
                client.complete(factory.client()); // version checks, and Ryuk where it is enabled
            } catch (Throwable e) {
                client.completeExceptionally(e);
            }
        }
    }

    /** Testcontainers' own rule. */
    private static boolean ryukEnabled() {
        return !Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"));
    }

    /**
     * The Ryuk image as Testcontainers will pull it (after its image name substitution), read from
     * its reaper, which has no public accessor for it; its plain name where that fails.
     */
    private static String ryukImage() {
        try {
            Object reaper = ResourceReaper.instance();
            Field field = reaper.getClass().getDeclaredField("ryukContainer");
            field.setAccessible(true);
            Matcher name = IMAGE_NAME.matcher(String.valueOf(((GenericContainer<?>) field.get(reaper)).getImage()));
            if (name.find()) {
                return name.group(1);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the plain name below
        }
        return "testcontainers/ryuk";
    }

    /** The steps of the preparation, and what to do when one takes too long. */
    private static final class Steps {
        static final boolean IN_A_CONTAINER = Files.exists(Path.of("/.dockerenv"));
        static final String RAISE = ", or raise startupTimeoutSeconds (it bounds the whole start, Testcontainers' "
                + "preparation included)";

        static final Step ENGINE = new Step("Testcontainers was still looking for a Docker engine (DOCKER_HOST "
                + (System.getenv("DOCKER_HOST") == null ? "is not set" : "= " + System.getenv("DOCKER_HOST"))
                + "; it also looks at ~/.testcontainers.properties and the local socket /var/run/docker.sock)",
                "Check that the engine answers (docker info), or point DOCKER_HOST at one that does" + RAISE + ".");

        static final Step HOST = new Step("Testcontainers was still finding the Docker host's address (the "
                + "address of the engine's mapped ports)" + (IN_A_CONTAINER ? ": this JVM runs inside a container "
                        + "(/.dockerenv), where it asks the engine for the bridge network's gateway and may start an "
                        + "alpine container, pulled first, to read its default route" : ""),
                "Set the environment variable TESTCONTAINERS_HOST_OVERRIDE to the address at which the engine's "
                        + "mapped ports are reached from here (127.0.0.1 where the engine runs on this machine or "
                        + "in this container), so that Testcontainers need not look for it" + RAISE + ".");

        static Step ryuk(String image) {
            return new Step("Testcontainers was still starting its Ryuk reaper (image " + image + "), the "
                    + "container that removes its containers after the JVM is gone; it pulls that image first "
                    + "and retries a failed pull for two minutes",
                    "Where the Ryuk image cannot be pulled (an offline machine, a registry without it), set the "
                            + "environment variable TESTCONTAINERS_RYUK_DISABLED=true: the extension removes its "
                            + "containers itself; else pull it beforehand (docker pull " + image + ")" + RAISE + "."
                            + hostOverrideHint());
        }

        static Step connecting(URI engine) {
            return new Step("Testcontainers was still connecting to the Docker engine at " + engine,
                    "Check that the engine answers (docker info)" + RAISE + ".");
        }

        /** Inside a container, the next step would be the one that {@link #HOST} names. */
        private static String hostOverrideHint() {
            return IN_A_CONTAINER && System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null
                    ? " This JVM runs inside a container (/.dockerenv) and TESTCONTAINERS_HOST_OVERRIDE is not set: "
                            + "set it as well, to the address at which the engine's mapped ports are reached from "
                            + "here (127.0.0.1 where the engine runs on this machine or in this container); without "
                            + "it Testcontainers guesses that address, and may start an alpine container for it."
                    : "";
        }

        private Steps() {
        }
    }
}
