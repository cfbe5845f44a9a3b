package dev.managedbackend;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

import org.apiguardian.api.API;


/**
 * A backend described in code: everything {@link ManagedBackend} has, plus env values computed
 * when the backend starts ({@link #env(String, Supplier)}). Start with the mode,
 * {@link #app(String)}, {@link #command(String...)}, {@link #image(String)} or
 * {@link #dockerfile(String)}; the other settings are optional, and one that is not set takes
 * the configured default (a {@code managedbackend.*} key) like an attribute that is not written.
 *
 * <p>In a JUnit test, register it: {@code @RegisterExtension static ManagedBackendExtension api =
 * new ManagedBackendExtension(BackendBuilder.app("app.main:app").dir("sample-fastapi"));}. Outside
 * JUnit (a {@code main}, TestNG, Cucumber, a tool), {@link #start()} it:
 * <pre>{@code
 * try (Backend api = BackendBuilder.app("app.main:app").dir("sample-fastapi").start()) {
 *     URI url = api.baseUrl();
 * }
 * }</pre>
 * Both take the same way as the annotation: the same checks, messages, port leasing,
 * readiness, stop and crash guard. A builder can be started more than once; each start is a
 * backend of its own.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BackendBuilder {

    private final String app;
    private final List<String> command;
    private final String image;
    private final String dockerfile;
    private String name;
    private String dir;
    private String python;
    private List<String> args = List.of();
    private Integer containerPort;
    private String healthPath;
    private int port;
    private Integer startupTimeoutSeconds;
    private final List<Object> env = new ArrayList<>(); // "KEY=VALUE" or ComputedEnv
    private InheritEnv inheritEnv;
    private Scope scope;
    private Prefork prefork;

    private BackendBuilder(String app, List<String> command, String image, String dockerfile) {
        this.app = app;
        this.command = command;
        this.image = image;
        this.dockerfile = dockerfile;
    }

    /**
     * Process mode: {@code <python> -m uvicorn <app>}, as {@link ManagedBackend#app()}.
     *
     * @param app the uvicorn target {@code module:attribute}
     * @return a builder for that mode
     */
    public static BackendBuilder app(String app) {
        return new BackendBuilder(Objects.requireNonNull(app, "app"), List.of(), "", "");
    }

    /**
     * Process mode: any other server, as {@link ManagedBackend#command()}.
     *
     * @param command the command and its arguments
     * @return a builder for that mode
     */
    public static BackendBuilder command(String... command) {
        return new BackendBuilder("", List.of(command), "", "");
    }

    /**
     * Container mode: an image, as {@link ManagedBackend#image()}.
     *
     * @param image the image name
     * @return a builder for that mode
     */
    public static BackendBuilder image(String image) {
        return new BackendBuilder("", List.of(), Objects.requireNonNull(image, "image"), "");
    }

    /**
     * Container mode: a Dockerfile to build, as {@link ManagedBackend#dockerfile()}.
     *
     * @param dockerfile the Dockerfile path
     * @return a builder for that mode
     */
    public static BackendBuilder dockerfile(String dockerfile) {
        return new BackendBuilder("", List.of(), "", Objects.requireNonNull(dockerfile, "dockerfile"));
    }

    /**
     * As {@link ManagedBackend#name()}. Not set: the name of the {@code @RegisterExtension}
     * field, or {@code "default"} for {@link #start()}.
     *
     * @param name the backend's name
     * @return this builder
     */
    public BackendBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * As {@link ManagedBackend#dir()}.
     *
     * @param dir the working directory
     * @return this builder
     */
    public BackendBuilder dir(String dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * As {@link ManagedBackend#dir()}.
     *
     * @param dir the working directory
     * @return this builder
     */
    public BackendBuilder dir(Path dir) {
        return dir(dir.toString());
    }

    /**
     * As {@link ManagedBackend#python()}.
     *
     * @param python the interpreter
     * @return this builder
     */
    public BackendBuilder python(String python) {
        this.python = Objects.requireNonNull(python, "python");
        return this;
    }

    /**
     * As {@link ManagedBackend#args()}.
     *
     * @param args the extra arguments
     * @return this builder
     */
    public BackendBuilder args(String... args) {
        this.args = List.of(args);
        return this;
    }

    /**
     * As {@link ManagedBackend#containerPort()}.
     *
     * @param containerPort the port inside the container
     * @return this builder
     */
    public BackendBuilder containerPort(int containerPort) {
        this.containerPort = containerPort;
        return this;
    }

    /**
     * As {@link ManagedBackend#healthPath()}.
     *
     * @param healthPath the path that must answer 2xx, or {@code ""}
     * @return this builder
     */
    public BackendBuilder healthPath(String healthPath) {
        this.healthPath = Objects.requireNonNull(healthPath, "healthPath");
        return this;
    }

    /**
     * As {@link ManagedBackend#port()}.
     *
     * @param port the host port, or 0 to pick one
     * @return this builder
     */
    public BackendBuilder port(int port) {
        this.port = port;
        return this;
    }

    /**
     * As {@link ManagedBackend#startupTimeoutSeconds()}.
     *
     * @param seconds the bound of a start, in seconds
     * @return this builder
     */
    public BackendBuilder startupTimeoutSeconds(int seconds) {
        this.startupTimeoutSeconds = seconds;
        return this;
    }

    /**
     * One {@code KEY=VALUE} entry, as in {@link ManagedBackend#env()}: {@code ${name.url}} and the
     * other references resolve, <code>$${</code> is a literal <code>${</code>.
     *
     * @param entry a {@code KEY=VALUE} entry
     * @return this builder
     */
    public BackendBuilder env(String entry) {
        env.add(Objects.requireNonNull(entry, "entry"));
        return this;
    }

    /**
     * {@code key=value}, as {@link #env(String)}.
     *
     * @param key the variable's name
     * @param value its value, references resolved as in {@link #env(String)}
     * @return this builder
     */
    public BackendBuilder env(String key, String value) {
        return env(key + "=" + value);
    }

    /**
     * A value that exists only at run time (the URL of a database the test started, a temporary
     * folder, a token): {@code value} is called when the backend starts, in JUnit when its scope
     * begins (after the extensions registered before it ran: Testcontainers', {@code @TempDir}, an
     * earlier {@code @RegisterExtension} field, whose {@code backend()} it may read), and its
     * result is taken literally (a <code>${</code> in it is no reference). For another backend's
     * URL, {@code env(key, "${name.url}")} needs no order.
     *
     * @param key the variable's name
     * @param value called once per start; its result is the value
     * @return this builder
     */
    public BackendBuilder env(String key, Supplier<?> value) {
        env.add(new ComputedEnv(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")));
        return this;
    }

    /**
     * As {@link ManagedBackend#inheritEnv()}; {@link InheritEnv#DEFAULT} (as if not set) leaves it
     * to the configured {@value ManagedBackend#INHERIT_ENV_PROPERTY_NAME}.
     *
     * @param inheritEnv what the backend inherits
     * @return this builder
     */
    public BackendBuilder inheritEnv(InheritEnv inheritEnv) {
        this.inheritEnv = Objects.requireNonNull(inheritEnv, "inheritEnv") == InheritEnv.DEFAULT ? null : inheritEnv;
        return this;
    }

    /**
     * As {@link ManagedBackend#prefork()}: {@link Prefork#ON} forks an {@code app} backend from a
     * warm template, {@link Prefork#OFF} starts it cold, {@link Prefork#DEFAULT} (as if not set)
     * leaves it to the configured {@value ManagedBackend#PREFORK_PROPERTY_NAME}.
     *
     * @param prefork the same values as the annotation's
     * @return this builder
     */
    public BackendBuilder prefork(Prefork prefork) {
        this.prefork = Objects.requireNonNull(prefork, "prefork") == Prefork.DEFAULT ? null : prefork;
        return this;
    }

    /**
     * As {@link ManagedBackend#scope()}, for a builder on a static {@code @RegisterExtension}
     * field; {@code RUN} shares it like the annotation does. {@link Scope#DEFAULT} means what it
     * means in the annotation, "not set": the configured {@value ManagedBackend#SCOPE_PROPERTY_NAME},
     * else {@code CLASS}. One on an instance field is a fresh backend per test.
     *
     * @param scope the scope
     * @return this builder
     */
    public BackendBuilder scope(Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope") == Scope.DEFAULT ? null : scope;
        return this;
    }

    /**
     * Starts the backend outside JUnit and returns it once it is ready; close it when done
     * (try-with-resources). Configured defaults are read from {@code managedbackend.*} system
     * properties. A JVM shutdown hook and the crash guard stop it if the program ends first.
     *
     * @return the backend, ready
     * @throws BackendConfigurationException if the description is invalid (nothing was started)
     * @throws BackendStartException         if it could not start (nothing of it is left running)
     */
    public Backend start() {
        return BackendEngine.get().start(this);
    }

    /**
     * What this builder describes, for the engine. Not API.
     *
     * @return the values set, null (or empty) where nothing was set
     */
    @API(status = INTERNAL, since = "0.1")
    public Description description() {
        return new Description(name, app, command, image, dockerfile, dir, python, args, containerPort, healthPath,
                port, startupTimeoutSeconds, List.copyOf(env), inheritEnv, scope, prefork);
    }

    /**
     * A builder's values, for the engine; null where not set. Not API.
     *
     * @param name                  as {@link #name(String)}
     * @param app                   as {@link #app(String)}, or empty
     * @param command               as {@link #command(String...)}, or empty
     * @param image                 as {@link #image(String)}, or empty
     * @param dockerfile            as {@link #dockerfile(String)}, or empty
     * @param dir                   as {@link #dir(String)}
     * @param python                as {@link #python(String)}
     * @param args                  as {@link #args(String...)}
     * @param containerPort         as {@link #containerPort(int)}
     * @param healthPath            as {@link #healthPath(String)}
     * @param port                  as {@link #port(int)}, 0 if not set
     * @param startupTimeoutSeconds as {@link #startupTimeoutSeconds(int)}
     * @param env                   each a {@code KEY=VALUE} string or a {@link ComputedEnv}, in order
     * @param inheritEnv            as {@link #inheritEnv(InheritEnv)}, null for {@link InheritEnv#DEFAULT}
     * @param scope                 as {@link #scope(Scope)}, null for {@link Scope#DEFAULT}
     * @param prefork               as {@link #prefork(Prefork)}, null for {@link Prefork#DEFAULT}
     */
    @API(status = INTERNAL, since = "0.1")
    public record Description(String name, String app, List<String> command, String image, String dockerfile,
            String dir, String python, List<String> args, Integer containerPort, String healthPath, int port,
            Integer startupTimeoutSeconds, List<Object> env, InheritEnv inheritEnv, Scope scope, Prefork prefork) {
    }

    /**
     * An env entry whose value a supplier computes when the backend starts. Not API.
     *
     * @param key   the variable
     * @param value computes its value, as {@link #env(String, Supplier)}
     */
    @API(status = INTERNAL, since = "0.1")
    public record ComputedEnv(String key, Supplier<?> value) {
    }

    @Override
    public String toString() {
        return "BackendBuilder[" + String.join(", ", Arrays.asList(app, String.join(" ", command), image, dockerfile))
                .replaceAll("(, )+", ", ").replaceAll("^, |, $", "") + "]";
    }
}
