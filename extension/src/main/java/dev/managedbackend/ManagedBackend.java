package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;
import org.apiguardian.api.API;

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
 * <p>Defaults for {@link #dir()}, {@link #python()}, {@link #healthPath()},
 * {@link #containerPort()}, {@link #startupTimeoutSeconds()}, {@link #scope()},
 * {@link #inheritEnv()} and {@link #prefork()} can be set in {@code junit-platform.properties} or as system properties
 * under the {@code *_PROPERTY_NAME} keys declared here. An attribute written on the annotation
 * always wins over a configured default, whatever its value, even one equal to the built-in
 * default: those attributes default to a marker that means "not written" ({@link #DEFAULT},
 * {@link #DEFAULT_NUMBER}, {@link Scope#DEFAULT}, {@link InheritEnv#DEFAULT}), as JUnit's own
 * {@code @TempDir(cleanup = CleanupMode.DEFAULT)} does. Each attribute's Javadoc gives the
 * default that applies when neither the annotation nor the configuration sets it.
 *
 * <p>An attribute that does not apply to the chosen mode ({@code python} or {@code dir} for a
 * container, {@code containerPort} for a process) is a configuration error, not ignored.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Repeatable(ManagedBackends.class)
@ExtendWith(ManagedBackendExtension.class)
@API(status = STABLE, since = "0.1")
public @interface ManagedBackend {

    /**
     * The default of the string attributes that have a configured default: "not written here",
     * so the configured default, else the built-in one, applies. Not a value to write.
     */
    String DEFAULT = "{default}";

    /** The same marker for whole-number attributes: "not written here". */
    int DEFAULT_NUMBER = -1;

    /** Default for {@link #dir()}. */
    String DIR_PROPERTY_NAME = "managedbackend.dir";
    /** Default for {@link #python()}. */
    String PYTHON_PROPERTY_NAME = "managedbackend.python";
    /** Default for {@link #healthPath()}. */
    String HEALTH_PATH_PROPERTY_NAME = "managedbackend.healthPath";
    /** Default for {@link #startupTimeoutSeconds()}. */
    String STARTUP_TIMEOUT_PROPERTY_NAME = "managedbackend.startupTimeoutSeconds";
    /** Default for {@link #containerPort()}. */
    String CONTAINER_PORT_PROPERTY_NAME = "managedbackend.containerPort";
    /** Default for {@link #inheritEnv()}: {@code ALL} or {@code BASE}. */
    String INHERIT_ENV_PROPERTY_NAME = "managedbackend.inheritEnv";
    /** Default for {@link #scope()}: {@code CLASS}, {@code METHOD} or {@code RUN}. */
    String SCOPE_PROPERTY_NAME = "managedbackend.scope";
    /** Default for {@link #prefork()}: {@code true} or {@code false} (the default). */
    String PREFORK_PROPERTY_NAME = "managedbackend.prefork";
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
    /**
     * The host address a container's port is published on. Default {@code auto}: the loopback
     * address {@code 127.0.0.1} where the engine's mapped ports are reached at a loopback address
     * (an engine on this machine: its unix socket, a named pipe, or {@code tcp://} to a loopback
     * address), so the app under test is not reachable from the network; else (a remote engine, a
     * Docker-in-Docker service) every address of the engine's host, Docker's own default, since
     * the tests reach the port from another host. An IP address here publishes on that address
     * only, e.g. the Docker-in-Docker service's own; {@code 0.0.0.0} publishes on every IPv4
     * address.
     */
    String CONTAINER_BIND_ADDRESS_PROPERTY_NAME = "managedbackend.container.bindAddress";
    /**
     * Reuse between runs: {@code false} (the default); {@code true}: a {@code CLASS} or {@code RUN}
     * process-mode backend outlives its test JVM and the next run with an identical spec and
     * unchanged files gets it back (same URL, same process), except where the environment
     * variable {@code CI} is set; {@code always}: on CI too. See {@link #REUSE_IDLE_SECONDS_PROPERTY_NAME}.
     */
    String REUSE_PROPERTY_NAME = "managedbackend.reuse";
    /** How long a reused backend that no run uses is kept before its keeper stops it, in seconds. Default 600. */
    String REUSE_IDLE_SECONDS_PROPERTY_NAME = "managedbackend.reuseIdleSeconds";

    /**
     * Names the backend when a test has several; {@code @BackendUrl("name")} picks it.
     *
     * @return the backend's name
     */
    String name() default "default";

    /**
     * uvicorn target {@code module:attribute}; runs {@code <python> -m uvicorn <app> --host
     * 127.0.0.1 --port <port> <args...>} in {@link #dir()}.
     *
     * @return the uvicorn target, or {@code ""} for the other modes
     */
    String app() default "";

    /**
     * The app's working directory (process mode), relative to the test JVM's working directory,
     * or absolute. Default: {@value #DIR_PROPERTY_NAME} if configured, else {@code "."}.
     *
     * @return the working directory, or {@link #DEFAULT} where not written
     */
    String dir() default DEFAULT;

    /**
     * Interpreter for {@link #app()}: an absolute path, a path relative to {@link #dir()}, or a
     * command on the {@code PATH}. {@code ""} looks for one: {@code <dir>/.venv/bin/python}
     * ({@code .venv\Scripts\python.exe} on Windows), else {@code $VIRTUAL_ENV}'s, else
     * {@code python3} on the {@code PATH}. Default: {@value #PYTHON_PROPERTY_NAME} if configured,
     * else {@code ""}.
     *
     * @return the interpreter, or {@link #DEFAULT} where not written
     */
    String python() default DEFAULT;

    /**
     * Extra arguments for uvicorn, or appended to {@link #command()}. In container mode: the
     * container's command, replacing the image's {@code CMD} (as in {@code docker run IMAGE args...}).
     *
     * @return the extra arguments
     */
    String[] args() default {};

    /**
     * Any other server: the command to run in {@link #dir()}, with {@code {port}} and
     * {@code {host}} replaced. The environment variable {@code PORT} is also set.
     *
     * @return the command and its arguments; empty for the other modes
     */
    String[] command() default {};

    /**
     * Container mode: an image that is already local or can be pulled. Runs through
     * Testcontainers, which must be on the test classpath ({@code org.testcontainers:testcontainers}),
     * against the Docker engine Testcontainers finds ({@code DOCKER_HOST}, the local socket, ...).
     *
     * @return the image, or {@code ""} for the other modes
     */
    String image() default "";

    /**
     * Container mode: a Dockerfile path, relative to the test JVM's working directory or
     * absolute; its folder is the build context ({@code .dockerignore} applies). The image is
     * built once per test JVM (build arguments from {@value #CONTAINER_BUILD_ARGS_PROPERTY_NAME})
     * and removed when the JVM exits.
     *
     * @return the Dockerfile, or {@code ""} for the other modes
     */
    String dockerfile() default "";

    /**
     * Container mode: the port the app listens on inside the container. Default:
     * {@value #CONTAINER_PORT_PROPERTY_NAME} if configured, else {@code 8000}.
     *
     * @return the port inside the container, or {@link #DEFAULT_NUMBER} where not written
     */
    int containerPort() default DEFAULT_NUMBER;

    /**
     * Path (a query is allowed) that must answer 2xx before tests run; {@code ""} means the port
     * listening is enough. A redirect to another path of the backend is followed. Default:
     * {@value #HEALTH_PATH_PROPERTY_NAME} if configured, else {@code "/health"}.
     *
     * @return the health path, or {@link #DEFAULT} where not written
     */
    String healthPath() default DEFAULT;

    /**
     * Host port; 0 picks a collision-free one (in container mode, Docker maps
     * {@link #containerPort()} to a free host port). A port given here is used as is or the start
     * fails.
     *
     * @return the host port, or 0 to pick one
     */
    int port() default 0;

    /**
     * From the start of the launch (image resolution and Testcontainers' preparations included)
     * until ready; after that the start fails and nothing of it is left running. JUnit's
     * {@code @Timeout} does not cover it: Jupiter does not time extension callbacks. Default:
     * {@value #STARTUP_TIMEOUT_PROPERTY_NAME} if configured, else {@code 60}.
     *
     * @return the bound of a start in seconds, or {@link #DEFAULT_NUMBER} where not written
     */
    int startupTimeoutSeconds() default DEFAULT_NUMBER;

    /**
     * {@code "KEY=VALUE"} pairs added to the backend's environment. A value may refer to another
     * backend the test can see: {@code ${name.url}}, {@code ${name.host}}, {@code ${name.port}};
     * any other <code>${...}</code> is a configuration error, and <code>$${</code> writes a
     * literal <code>${</code>. A relative path in a value is relative to {@link #dir()}, the backend's
     * working directory.
     *
     * @return the added {@code KEY=VALUE} pairs
     */
    String[] env() default {};

    /**
     * Which of the test JVM's environment variables a process-mode backend starts with, before
     * {@link #env()} is added. Default: {@value #INHERIT_ENV_PROPERTY_NAME} if configured, else
     * {@link InheritEnv#ALL}.
     *
     * @return what is inherited, or {@link InheritEnv#DEFAULT} where not written
     */
    InheritEnv inheritEnv() default InheritEnv.DEFAULT;

    /**
     * How long one backend lives and who shares it. Default: {@value #SCOPE_PROPERTY_NAME} if
     * configured, else {@link Scope#CLASS}.
     *
     * @return the scope, or {@link Scope#DEFAULT} where not written
     */
    Scope scope() default Scope.DEFAULT;

    /**
     * {@link Prefork#ON}: an {@link #app()} backend is forked from a warm template process that
     * imported uvicorn and the app once, instead of started cold (see {@link Prefork}). Applies
     * to {@code app} backends only. Default: {@value #PREFORK_PROPERTY_NAME} if configured
     * ({@code true}/{@code false}), else {@link Prefork#OFF}.
     *
     * @return whether to fork, or {@link Prefork#DEFAULT} where not written
     */
    Prefork prefork() default Prefork.DEFAULT;
}
