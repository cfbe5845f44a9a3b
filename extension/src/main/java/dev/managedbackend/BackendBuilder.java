package dev.managedbackend;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

import org.apiguardian.api.API;

import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendStarter;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Declaration;
import dev.managedbackend.internal.EnvReferences;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.SpecReader;

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
    private final List<Object> env = new ArrayList<>(); // "KEY=VALUE" or Computed
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
        env.add(new Computed(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value")));
        return this;
    }

    /**
     * As {@link ManagedBackend#inheritEnv()}.
     *
     * @param inheritEnv what the backend inherits
     * @return this builder
     */
    public BackendBuilder inheritEnv(InheritEnv inheritEnv) {
        this.inheritEnv = Objects.requireNonNull(inheritEnv, "inheritEnv");
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
     * field ({@code CLASS} if not set; {@code RUN} shares it like the annotation does). One on an
     * instance field is a fresh backend per test.
     *
     * @param scope the scope
     * @return this builder
     */
    public BackendBuilder scope(Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
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
        Config config = new Config(key -> Optional.ofNullable(System.getProperty(key)));
        String origin = "BackendBuilder" + (name == null ? "" : " '" + name + "'");
        BackendSpec spec = new SpecReader(config, Path.of("")).read(declaration(origin, "default"));
        EnvReferences.check(List.of(spec), java.util.Map.of(), origin);
        return new BackendStarter(Settings.from(config)).start(spec, spec.name());
    }

    /**
     * This builder as a {@link Declaration}, its computed env values taken now.
     *
     * @param origin      where it was declared, for messages
     * @param defaultName the name if none was set
     */
    Declaration declaration(String origin, String defaultName) {
        return declaration(origin, defaultName, true);
    }

    /**
     * The same, every computed value left empty and no supplier called: to check names, modes and
     * references before anything starts.
     */
    Declaration declarationToCheck(String origin, String defaultName) {
        return declaration(origin, defaultName, false);
    }

    private Declaration declaration(String origin, String defaultName, boolean compute) {
        String backendName = name != null ? name : defaultName;
        List<String> entries = new ArrayList<>();
        for (Object entry : env) {
            if (entry instanceof Computed computed) {
                entries.add(compute ? computed.entry(backendName, origin) : computed.key() + "=");
            } else {
                entries.add((String) entry);
            }
        }
        return new Declaration(origin, backendName, app, command, Optional.ofNullable(dir), Optional.ofNullable(python),
                args, image, dockerfile, optional(containerPort), Optional.ofNullable(healthPath), port,
                optional(startupTimeoutSeconds), entries, Optional.ofNullable(inheritEnv), Optional.ofNullable(scope),
                Optional.ofNullable(prefork).map(p -> p == Prefork.ON));
    }

    /** Whether a scope was set (an instance field's backend must not set one). */
    Optional<Scope> scope() {
        return Optional.ofNullable(scope);
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /** An env value computed when the backend starts. */
    private record Computed(String key, Supplier<?> value) {
        String entry(String backend, String origin) {
            Object computed;
            try {
                computed = value.get();
            } catch (NotStartedYet e) {
                throw new BackendStartException(notStartedYet(backend, origin, e), e);
            } catch (RuntimeException e) {
                throw new BackendStartException("backend '" + backend + "': the value of env " + key + " could "
                        + "not be computed: its supplier threw " + withoutFullStop(e.toString()) + ". Check what it reads (has the "
                        + "resource it depends on started before this backend?).", e);
            }
            if (computed == null) {
                throw new BackendStartException("backend '" + backend + "': the supplier of env " + key
                        + " returned null; return the value as a string (\"\" for an empty one).");
            }
            return key + "=" + computed.toString().replace("${", "$${"); // taken literally
        }

        /** The supplier read another field's backend before that one started: name both, and the fix. */
        private String notStartedYet(String backend, String origin, NotStartedYet e) {
            ManagedBackendExtension.Placement target = e.placement();
            if (target == null || target.scope() == Scope.METHOD) {
                return "backend '" + backend + "' (" + origin + "): the value of env " + key + " could not be "
                        + "computed: its supplier read a backend that does not exist now: " + e.getMessage();
            }
            return "backend '" + backend + "' (" + origin + "): the value of env " + key + " could not be computed: "
                    + "its supplier read the backend of " + target.field() + ", which has not started yet. Fields "
                    + "start in JUnit's registration order (@Order, then declaration order), and this one comes "
                    + "first. Write env(\"" + key + "\", \"${" + target.backendName() + ".url}\"), which starts '"
                    + target.backendName() + "' first whatever the order, or give " + target.field()
                    + " a lower @Order than this field.";
        }

        private static String withoutFullStop(String text) {
            return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        }
    }

    @Override
    public String toString() {
        return "BackendBuilder[" + String.join(", ", Arrays.asList(app, String.join(" ", command), image, dockerfile))
                .replaceAll("(, )+", ", ").replaceAll("^, |, $", "") + "]";
    }
}
