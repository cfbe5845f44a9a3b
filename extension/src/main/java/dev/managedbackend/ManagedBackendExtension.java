package dev.managedbackend;

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
import org.junit.jupiter.api.extension.TestInstances;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendStarter;
import dev.managedbackend.internal.BackendsView;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.EnvReferences;
import dev.managedbackend.internal.RunningBackend;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.SpecReader;
import dev.managedbackend.internal.Stopping;

/**
 * Wires {@link ManagedBackend} into the JUnit lifecycle. Holds no state of its own: what it
 * starts lives in the JUnit Store of the scope it belongs to, so JUnit closes it, in reverse
 * order, whether the tests passed or not.
 * <ul>
 * <li>{@code beforeAll}: starts the class's CLASS backends (and joins or starts its RUN ones),
 *     fills static {@code @BackendUrl} fields;</li>
 * <li>{@code beforeEach}: starts METHOD backends, fills instance fields of every test instance
 *     (the outer ones too, for {@code @Nested});</li>
 * <li>parameters: {@code @BackendUrl}, {@link Backend} and {@link Backends}.</li>
 * </ul>
 */
final class ManagedBackendExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(ManagedBackendExtension.class);
    /** The {@link BackendsView} of a level; a lookup from below finds the nearest one. */
    private static final String VIEW = "view";

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
        List<BackendSpec> specs = new SpecReader(config, Path.of("")).read(AnnotationDeclarations.of(
                AnnotationSupport.findRepeatableAnnotations(testClass, ManagedBackend.class), testClass),
                testClass.getName());
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
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        translated(() -> {
            BackendsView classView = view(context);
            if (classView != null && !classView.perMethodSpecs().isEmpty()) {
                Config config = new Config(context::getConfigurationParameter);
                String owner = ownerName(context.getRequiredTestClass()) + "." + context.getRequiredTestMethod().getName();
                List<BackendSpec> perMethod = classView.perMethodSpecs();
                List<RunningBackend> started = FailureReports.attachingLog(context, () -> new BackendStarter(
                        Settings.from(config)).startAll(perMethod, owner, classView.visible()));
                Map<String, Scope> scopes = new LinkedHashMap<>();
                started.forEach(backend -> scopes.put(backend.name(), Scope.METHOD));
                context.getStore(NAMESPACE).put(VIEW, new ClosedByJUnit<>(
                        new BackendsView(classView, started, scopes, started, List.of())));
            }
            BackendsView view = view(context);
            if (view != null) {
                FailureReports.requireRunning(context, view.all());
            }
            for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
                injectFields(context, instance, instance.getClass());
            }
        });
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return parameter.isAnnotated(BackendUrl.class) || type == Backend.class || type == Backends.class;
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
            Stopping.stop(backend);
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

    /** Marks the class level whose backends were started (the key names the class, not its parent). */
    private record StartedFor(Class<?> testClass) {
    }

    /** Key of a RUN-scoped backend: equal specs share one. */
    private record RunKey(BackendSpec spec) {
    }
}
