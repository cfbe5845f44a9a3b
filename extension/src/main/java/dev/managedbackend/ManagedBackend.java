package dev.managedbackend;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts an HTTP backend for the annotated test class, waits until it is ready, and stops it
 * (with every process it spawned) when its {@link #scope() scope} ends.
 *
 * <pre>{@code
 * @ManagedBackend(app = "app.main:app", dir = "sample-fastapi")
 * class ItemsIT {
 *     @Test void lists(@BackendUrl URI api) { ... }
 * }
 * }</pre>
 *
 * <p>Exactly one of {@link #app()}, {@link #command()}, {@link #image()} and
 * {@link #dockerfile()} says what to run. The backend counts as ready when its port listens
 * <em>in the process the extension started</em> and {@link #healthPath()} answers 2xx; a server
 * that was already on the port never makes a start look ready.
 *
 * <p>Defaults for most attributes can be set in {@code junit-platform.properties} or as system
 * properties under the {@code *_PROPERTY_NAME} keys declared here. An attribute set on the
 * annotation (to anything but its default value) wins over a configured default.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Repeatable(ManagedBackends.class)
@ExtendWith(ManagedBackendExtension.class)
public @interface ManagedBackend {

    /** Default for {@link #dir()}. */
    String DIR_PROPERTY_NAME = "managedbackend.dir";
    /** Default for {@link #python()}. */
    String PYTHON_PROPERTY_NAME = "managedbackend.python";
    /** Default for {@link #healthPath()}. */
    String HEALTH_PATH_PROPERTY_NAME = "managedbackend.healthPath";
    /** Default for {@link #startupTimeoutSeconds()}. */
    String STARTUP_TIMEOUT_PROPERTY_NAME = "managedbackend.startupTimeoutSeconds";
    /** Default for {@link #scope()}: {@code CLASS}, {@code METHOD} or {@code RUN}. */
    String SCOPE_PROPERTY_NAME = "managedbackend.scope";
    /**
     * The address a process-mode backend binds and is reached at, unless {@code args} or
     * {@code command} say otherwise. Default {@code 127.0.0.1}.
     */
    String HOST_PROPERTY_NAME = "managedbackend.host";
    /** How long a stopping backend gets after SIGTERM before SIGKILL, in seconds. Default 10. */
    String STOP_TIMEOUT_PROPERTY_NAME = "managedbackend.stopTimeoutSeconds";
    /** How often readiness is polled, in milliseconds. Default 10. */
    String POLL_INTERVAL_PROPERTY_NAME = "managedbackend.pollIntervalMillis";
    /** Folder for the backends' log files. Default {@code target/managed-backend}. */
    String LOG_DIR_PROPERTY_NAME = "managedbackend.logDir";
    /**
     * Ports picked when {@link #port()} is 0, as {@code FROM-TO}. Default: 20000-32767, which is
     * below Linux's ephemeral range, so the kernel never hands these ports to other programs.
     */
    String PORT_RANGE_PROPERTY_NAME = "managedbackend.portRange";
    /** How many ports a start tries when a picked port turns out taken. Default 5. */
    String PORT_ATTEMPTS_PROPERTY_NAME = "managedbackend.portAttempts";
    /**
     * Folder for this user's run state (port leases). Default
     * {@code $XDG_RUNTIME_DIR/managed-backend}, else {@code ~/.cache/managed-backend}; created
     * readable and writable by its owner only.
     */
    String STATE_DIR_PROPERTY_NAME = "managedbackend.stateDir";
    /**
     * Build arguments for every {@link #dockerfile()} build, as comma-separated
     * {@code KEY=VALUE} pairs, e.g. {@code BASE_IMAGE=registry.example.com/python:3.12-slim}.
     * For facts of a machine (a registry mirror, an offline base image) that the test itself
     * should not hard-code. Default: none.
     */
    String CONTAINER_BUILD_ARGS_PROPERTY_NAME = "managedbackend.container.buildArgs";
    /**
     * {@code true}: where no Docker engine is reachable, a container backend aborts its tests
     * (reported as skipped) instead of failing them. An opt-in for builds that also run where
     * Docker is missing; the default {@code false} fails, so a broken engine cannot go unnoticed.
     */
    String CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME = "managedbackend.container.skipWithoutDocker";

    /** Names the backend when a test has several; {@code @BackendUrl("name")} picks it. */
    String name() default "default";

    /**
     * uvicorn target {@code module:attribute}; runs {@code <python> -m uvicorn <app> --host
     * 127.0.0.1 --port <port> <args...>} in {@link #dir()}.
     */
    String app() default "";

    /** The app's working directory, relative to the test JVM's working directory, or absolute. */
    String dir() default ".";

    /**
     * Interpreter for {@link #app()}. {@code ""} means {@code <dir>/.venv/bin/python}, else
     * {@code $VIRTUAL_ENV/bin/python}, else {@code python3} on the {@code PATH}.
     */
    String python() default "";

    /**
     * Extra arguments for uvicorn, or appended to {@link #command()}. In container mode: the
     * container's command, replacing the image's {@code CMD} (as in {@code docker run IMAGE args...}).
     */
    String[] args() default {};

    /**
     * Any other server: the command to run in {@link #dir()}, with {@code {port}} and
     * {@code {host}} replaced. The environment variable {@code PORT} is also set.
     */
    String[] command() default {};

    /**
     * Container mode: an image that is already local or can be pulled. Runs through
     * Testcontainers, which must be on the test classpath ({@code org.testcontainers:testcontainers}),
     * against the Docker engine Testcontainers finds ({@code DOCKER_HOST}, the local socket, ...).
     */
    String image() default "";

    /**
     * Container mode: a Dockerfile path, relative to the test JVM's working directory or
     * absolute; its folder is the build context ({@code .dockerignore} applies). The image is
     * built once per test JVM (build arguments from {@value #CONTAINER_BUILD_ARGS_PROPERTY_NAME})
     * and removed when the JVM exits.
     */
    String dockerfile() default "";

    /** Container mode: the port the app listens on inside the container. */
    int containerPort() default 8000;

    /**
     * Path (a query is allowed) that must answer 2xx before tests run; {@code ""} means the port
     * listening is enough.
     */
    String healthPath() default "/health";

    /**
     * Host port; 0 picks a collision-free one (in container mode, Docker maps
     * {@link #containerPort()} to a free host port). A port given here is used as is or the start
     * fails.
     */
    int port() default 0;

    /** From launch until ready; after that the start fails and the backend is stopped. */
    int startupTimeoutSeconds() default 60;

    /** {@code "KEY=VALUE"} pairs added to the backend's environment. */
    String[] env() default {};

    /** How long one backend lives and who shares it. */
    Scope scope() default Scope.CLASS;
}
