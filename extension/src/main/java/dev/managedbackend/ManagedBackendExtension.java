package dev.managedbackend;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestInstances;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.apiguardian.api.API;

import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendStarter;
import dev.managedbackend.internal.BackendsView;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Declaration;
import dev.managedbackend.internal.EnvReferences;
import dev.managedbackend.internal.RunningBackend;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.SpecReader;

/**
 * Wires backends into the JUnit lifecycle: those of {@link ManagedBackend} annotations (which
 * register this extension) and those described in code on a {@code @RegisterExtension} field:
 * <pre>{@code
 * @RegisterExtension
 * static ManagedBackendExtension api = new ManagedBackendExtension(
 *         BackendBuilder.app("app.main:app").dir("sample-fastapi").env("DATABASE_URL", () -> db.url()));
 * }</pre>
 * A static field is a backend of the class ({@link Scope#CLASS} unless the builder says
 * otherwise), an instance field a fresh backend per test; the field's name is the backend's name
 * unless the builder sets one. Annotations and fields of a class are read together, as one set
 * of declarations, and take one way: the same checks, start, injection and stop.
 *
 * <p>Holds no state of its own beyond its builder: what it starts lives in the JUnit Store of
 * the scope it belongs to, so JUnit closes it, in reverse order, whether the tests passed or
 * not. Where a class has several instances of this extension (an annotation and fields), the
 * first to run does the work for all of them.
 * <ul>
 * <li>{@code beforeAll}: starts the class's CLASS backends (and joins or starts its RUN ones),
 *     fills static {@code @BackendUrl} fields;</li>
 * <li>{@code beforeEach}: starts METHOD backends, starts again those a test stopped
 *     ({@link Backend#stop()}), fills instance fields of every test instance (the outer ones
 *     too, for {@code @Nested});</li>
 * <li>parameters: {@code @BackendUrl}, {@link Backend} and {@link Backends}.</li>
 * </ul>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ManagedBackendExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(ManagedBackendExtension.class);
    /** The {@link BackendsView} of a level; a lookup from below finds the nearest one. */
    private static final String VIEW = "view";
    /** Which instance of this extension answers parameter lookups: only one may. */
    private static final String RESOLVER = "resolver";

    private final BackendBuilder builder;
    private volatile Backend backend;

    /** The instance {@link ManagedBackend} registers: it reads the annotations. */
    public ManagedBackendExtension() {
        this.builder = null;
    }

    /**
     * A backend described in code, for a {@code @RegisterExtension} field.
     *
     * @param builder what to start
     */
    public ManagedBackendExtension(BackendBuilder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /**
     * The backend of this field, once its scope has begun (from {@code @BeforeAll} on for a
     * static field, {@code @BeforeEach} on for an instance field).
     *
     * @return the backend
     * @throws BackendNotRunningException before that, or for the instance {@link ManagedBackend} registers
     */
    public Backend backend() {
        Backend started = backend;
        if (started == null) {
            throw new BackendNotRunningException(builder == null
                    ? "this ManagedBackendExtension reads @ManagedBackend annotations; inject the backend instead"
                    : "the backend of " + builder + " has not started yet: a static field's starts before "
                            + "@BeforeAll methods run, an instance field's before @BeforeEach methods run.");
        }
        return started;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        translated(() -> {
            Class<?> testClass = context.getRequiredTestClass();
            startClassLevel(context);
            injectFields(context, null, testClass);
            if (context.getTestInstanceLifecycle().orElse(Lifecycle.PER_METHOD) == Lifecycle.PER_CLASS) {
                // The instance exists already and a non-static @BeforeAll may read its fields.
                for (Object instance : context.getTestInstances().map(TestInstances::getAllInstances).orElse(List.of())) {
                    injectFields(context, instance, instance.getClass());
                }
            }
        });
    }

    /**
     * Starts the backends declared on the class of this class-level context, once: from
     * {@code beforeAll}, or earlier when a {@code PER_CLASS} test instance is constructed with a
     * {@code @BackendUrl} constructor parameter. Every declaration of the class, and every env
     * reference, is checked before anything starts; then its RUN backends are joined or started,
     * then its CLASS backends start together.
     */
    private static void startClassLevel(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Store store = context.getStore(NAMESPACE);
        if (store.get(new StartedFor(testClass)) != null) {
            return;
        }
        store.put(new StartedFor(testClass), Boolean.TRUE); // a failed start is not tried again
        Config config = new Config(context::getConfigurationParameter);
        List<Declaration> declarations = new ArrayList<>(AnnotationDeclarations.of(
                AnnotationSupport.findRepeatableAnnotations(testClass, ManagedBackend.class), testClass));
        Map<String, ManagedBackendExtension> fields = registeredFields(testClass, null, declarations);
        List<BackendSpec> specs = new SpecReader(config, Path.of("")).read(declarations, testClass.getName());
        if (specs.isEmpty()) {
            return;
        }
        BackendsView parent = view(context); // the enclosing class's, for @Nested
        Map<String, Scope> outside = new LinkedHashMap<>();
        if (parent != null) {
            parent.perMethodSpecs().forEach(spec -> outside.put(spec.name(), Scope.METHOD));
            outside.putAll(parent.visibleScopes());
        }
        EnvReferences.check(specs, outside, testClass.getName());
        BackendStarter starter = new BackendStarter(Settings.from(config));
        Map<String, Backend> visible = parent == null ? new LinkedHashMap<>() : parent.visible();
        Map<String, Backend> run = new LinkedHashMap<>();
        for (BackendSpec spec : EnvReferences.dependencyOrder(ofScope(specs, Scope.RUN), testClass.getName())) {
            RunningBackend backend = FailureReports.attachingLog(context,
                    () -> runScoped(context, starter, EnvReferences.resolve(spec, visible::get)));
            run.put(spec.name(), backend);
            visible.put(spec.name(), backend);
        }
        List<RunningBackend> owned = FailureReports.attachingLog(context,
                () -> starter.startAll(ofScope(specs, Scope.CLASS), ownerName(testClass), visible));
        List<Backend> started = new ArrayList<>();
        Map<String, RunningBackend> ownedByName = new LinkedHashMap<>();
        owned.forEach(backend -> ownedByName.put(backend.name(), backend));
        Map<String, Scope> scopes = new LinkedHashMap<>();
        for (BackendSpec spec : specs) { // declaration order
            Backend backend = spec.scope() == Scope.RUN ? run.get(spec.name()) : ownedByName.get(spec.name());
            if (backend != null) {
                started.add(backend);
                scopes.put(spec.name(), spec.scope());
            }
        }
        store.put(VIEW, new ClosedByJUnit<>(new BackendsView(parent, started, scopes, owned,
                ofScope(specs, Scope.METHOD))));
        started.forEach(backend -> Optional.ofNullable(fields.get(backend.name())).ifPresent(f -> f.backend = backend));
    }

    /**
     * Adds the declarations of the {@code @RegisterExtension} fields of this extension in
     * {@code type} (static ones for {@code instance == null}, else that instance's) to
     * {@code declarations}; returns the fields' extensions by backend name.
     */
    private static Map<String, ManagedBackendExtension> registeredFields(Class<?> type, Object instance,
            List<Declaration> declarations) {
        Map<String, ManagedBackendExtension> byName = new LinkedHashMap<>();
        List<Field> fields = ReflectionSupport.findFields(type, field -> field.isAnnotationPresent(RegisterExtension.class)
                && ManagedBackendExtension.class.isAssignableFrom(field.getType())
                && Modifier.isStatic(field.getModifiers()) == (instance == null), HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            Object value = ReflectionSupport.tryToReadFieldValue(field, instance).toOptional().orElse(null);
            if (!(value instanceof ManagedBackendExtension extension) || extension.builder == null) {
                continue;
            }
            String origin = "@RegisterExtension " + (instance == null ? "static " : "") + "field " + field.getName()
                    + " of " + field.getDeclaringClass().getName();
            Declaration declaration = extension.builder.declaration(origin, field.getName());
            if (instance != null) {
                if (extension.builder.scope().filter(scope -> scope != Scope.METHOD).isPresent()) {
                    throw new BackendConfigurationException(origin + ": scope = " + extension.builder.scope().get()
                            + " does not apply to an instance field, whose backend is started for each test. "
                            + "Make the field static for a backend of the class (or of the run), or leave scope out.");
                }
                declaration = declaration.withScope(Scope.METHOD);
            }
            declarations.add(declaration);
            byName.put(declaration.name(), extension);
        }
        return byName;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        translated(() -> {
            Store store = context.getStore(NAMESPACE);
            if (store.get(new StartedFor(context.getUniqueId())) != null) {
                return; // another instance of this extension did it for this test
            }
            store.put(new StartedFor(context.getUniqueId()), Boolean.TRUE);
            startMethodLevel(context);
            BackendsView view = view(context);
            if (view != null) {
                view.all().stream().filter(b -> b instanceof RunningBackend running && running.wasStoppedOnPurpose())
                        .forEach(Backend::restart); // a test stopped it: the next one gets it back
                FailureReports.requireRunning(context, view.all());
            }
            for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
                injectFields(context, instance, instance.getClass());
            }
        });
    }

    /**
     * Starts the backends of this test: the METHOD ones its class declares and those of the
     * test instances' {@code @RegisterExtension} fields, together.
     */
    private static void startMethodLevel(ExtensionContext context) {
        BackendsView classView = view(context);
        Config config = new Config(context::getConfigurationParameter);
        List<Declaration> declarations = new ArrayList<>();
        Map<String, ManagedBackendExtension> fields = new LinkedHashMap<>();
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            fields.putAll(registeredFields(instance.getClass(), instance, declarations));
        }
        List<BackendSpec> perMethod = new ArrayList<>(classView == null ? List.of() : classView.perMethodSpecs());
        String testClass = context.getRequiredTestClass().getName();
        perMethod.addAll(new SpecReader(config, Path.of("")).read(declarations, testClass));
        if (perMethod.isEmpty()) {
            return;
        }
        SpecReader.requireDistinctNames(perMethod, testClass);
        Map<String, Scope> outside = classView == null ? Map.of() : classView.visibleScopes();
        EnvReferences.check(perMethod, outside, testClass);
        String owner = ownerName(context.getRequiredTestClass()) + "." + context.getRequiredTestMethod().getName();
        Map<String, Backend> visible = classView == null ? new LinkedHashMap<>() : classView.visible();
        List<RunningBackend> started = FailureReports.attachingLog(context, () -> new BackendStarter(
                Settings.from(config)).startAll(perMethod, owner, visible));
        Map<String, Scope> scopes = new LinkedHashMap<>();
        started.forEach(backend -> scopes.put(backend.name(), Scope.METHOD));
        context.getStore(NAMESPACE).put(VIEW, new ClosedByJUnit<>(
                new BackendsView(classView, started, scopes, started, List.of())));
        started.forEach(backend -> Optional.ofNullable(fields.get(backend.name())).ifPresent(f -> f.backend = backend));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        boolean ours = parameter.isAnnotated(BackendUrl.class) || type == Backend.class || type == Backends.class;
        // JUnit fails a parameter that two resolvers claim: the first instance asked answers
        return ours && context.getStore(NAMESPACE).getOrComputeIfAbsent(RESOLVER, key -> this) == this;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Parameter p = parameter.getParameter();
        String where = "parameter " + p.getType().getSimpleName() + " " + p.getName() + " of "
                + signature(p.getDeclaringExecutable());
        try {
            if (p.getDeclaringExecutable() instanceof Constructor && context.getTestMethod().isEmpty()) {
                translated(() -> startClassLevel(context)); // PER_CLASS: the instance is made before beforeAll
            }
            BackendsView view = requireView(context, where);
            if (p.getType() == Backends.class && !parameter.isAnnotated(BackendUrl.class)) {
                return view;
            }
            if (p.getType() == Backend.class && !parameter.isAnnotated(BackendUrl.class)) {
                return Injection.select(view, "", where);
            }
            String name = parameter.findAnnotation(BackendUrl.class).map(BackendUrl::value).orElse("");
            return Injection.url(p.getType(), () -> view, name, where);
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    private static void injectFields(ExtensionContext context, Object instance, Class<?> type) {
        List<Field> fields = ReflectionSupport.findFields(type,
                field -> field.isAnnotationPresent(BackendUrl.class)
                        && Modifier.isStatic(field.getModifiers()) == (instance == null),
                HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            String where = "field " + field.getType().getSimpleName() + " " + field.getName() + " of "
                    + field.getDeclaringClass().getName();
            if (Modifier.isFinal(field.getModifiers())) {
                throw new ExtensionConfigurationException("@BackendUrl " + where
                        + " is final; remove final so the URL can be injected.");
            }
            Object value = Injection.url(field.getType(), () -> requireView(context, where),
                    field.getAnnotation(BackendUrl.class).value(), where);
            try {
                field.setAccessible(true);
                field.set(instance, value);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new ExtensionConfigurationException("Could not inject @BackendUrl " + where + ": " + e, e);
            }
        }
    }

    /** RUN scope: one per identical spec (references resolved) for the whole run, in the root Store. */
    @SuppressWarnings("unchecked")
    private static RunningBackend runScoped(ExtensionContext context, BackendStarter starter, BackendSpec spec) {
        Store root = context.getRoot().getStore(NAMESPACE);
        ClosedByJUnit<RunShared> shared = root.getOrComputeIfAbsent(new RunKey(spec),
                key -> new ClosedByJUnit<>(new RunShared(starter.start(spec, "run"))), ClosedByJUnit.class);
        return shared.value().backend();
    }

    /** A RUN backend in the root Store: JUnit closes it when the whole run ends. */
    private record RunShared(RunningBackend backend) implements AutoCloseable {
        @Override
        public void close() {
            backend.close();
        }
    }

    private static List<BackendSpec> ofScope(List<BackendSpec> specs, Scope scope) {
        return specs.stream().filter(spec -> spec.scope() == scope).toList();
    }

    /** Core failures in JUnit's terms: a bad declaration is JUnit's configuration error. */
    private static void translated(Runnable action) {
        try {
            action.run();
        } catch (BackendConfigurationException e) {
            throw new ExtensionConfigurationException(e.getMessage(), e);
        }
    }

    private static BackendsView view(ExtensionContext context) {
        ClosedByJUnit<?> view = context.getStore(NAMESPACE).get(VIEW, ClosedByJUnit.class);
        return view == null ? null : (BackendsView) view.value();
    }

    private static BackendsView requireView(ExtensionContext context, String where) {
        BackendsView view = view(context);
        if (view == null) {
            throw new ExtensionConfigurationException("@BackendUrl " + where + ": no backend is "
                    + "declared for this test; add @ManagedBackend(...) to the test class.");
        }
        return view;
    }

    /** {@code Cases.test(URI, int)} or {@code constructor Cases(URI)}, for messages. */
    private static String signature(Executable executable) {
        String owner = executable.getDeclaringClass().getSimpleName();
        String types = Arrays.stream(executable.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        return executable instanceof Constructor
                ? "constructor " + owner + "(" + types + ")"
                : owner + "." + executable.getName() + "(" + types + ")";
    }

    private static String ownerName(Class<?> testClass) {
        String name = testClass.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /**
     * Marks the level whose backends were started: a test class (the key names the class, not
     * its parent) or a test (its unique id).
     */
    private record StartedFor(Object level) {
    }

    /** Key of a RUN-scoped backend: equal specs share one. */
    private record RunKey(BackendSpec spec) {
    }
}
