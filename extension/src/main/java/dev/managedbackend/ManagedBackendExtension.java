package dev.managedbackend;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        Class<?> testClass = context.getRequiredTestClass();
        startClassLevel(context);
        injectFields(context, null, testClass);
        if (context.getTestInstanceLifecycle().orElse(Lifecycle.PER_METHOD) == Lifecycle.PER_CLASS) {
            // The instance exists already and a non-static @BeforeAll may read its fields.
            for (Object instance : context.getTestInstances().map(TestInstances::getAllInstances).orElse(List.of())) {
                injectFields(context, instance, instance.getClass());
            }
        }
    }

    /**
     * Starts the backends declared on the class of this class-level context, once: from
     * {@code beforeAll}, or earlier when a {@code PER_CLASS} test instance is constructed with a
     * {@code @BackendUrl} constructor parameter.
     */
    private static void startClassLevel(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Store store = context.getStore(NAMESPACE);
        if (store.get(new StartedFor(testClass)) != null) {
            return;
        }
        store.put(new StartedFor(testClass), Boolean.TRUE); // a failed start is not tried again
        Config config = new Config(context::getConfigurationParameter);
        List<BackendSpec> specs = new SpecReader(config, Path.of(""))
                .read(AnnotationSupport.findRepeatableAnnotations(testClass, ManagedBackend.class), testClass);
        if (!specs.isEmpty()) {
            BackendStarter starter = new BackendStarter(Settings.from(config));
            String owner = ownerName(testClass);
            List<BackendSpec> perClass = new ArrayList<>();
            List<Backend> started = new ArrayList<>();
            List<BackendSpec> perMethod = new ArrayList<>();
            for (BackendSpec spec : specs) {
                switch (spec.scope()) {
                    case CLASS -> perClass.add(spec);
                    case METHOD -> perMethod.add(spec);
                    case RUN -> started.add(FailureReports.attachingLog(context, () -> runScoped(context, starter, spec)));
                }
            }
            List<RunningBackend> owned = FailureReports.attachingLog(context, () -> starter.startAll(perClass, owner));
            started.addAll(owned);
            store.put(VIEW, new BackendsView(view(context), started, owned, perMethod));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        BackendsView classView = view(context);
        if (classView != null && !classView.perMethodSpecs().isEmpty()) {
            Config config = new Config(context::getConfigurationParameter);
            String owner = ownerName(context.getRequiredTestClass()) + "." + context.getRequiredTestMethod().getName();
            List<RunningBackend> started = FailureReports.attachingLog(context, () -> new BackendStarter(
                    Settings.from(config)).startAll(classView.perMethodSpecs(), owner));
            context.getStore(NAMESPACE).put(VIEW, new BackendsView(classView, started, started, List.of()));
        }
        BackendsView view = view(context);
        if (view != null) {
            FailureReports.requireRunning(context, view.all());
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(context, instance, instance.getClass());
        }
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
        if (p.getDeclaringExecutable() instanceof Constructor && context.getTestMethod().isEmpty()) {
            startClassLevel(context); // PER_CLASS: the instance is made before beforeAll
        }
        try {
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
            throw new ParameterResolutionException(e.getMessage());
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

    /** RUN scope: one per identical spec for the whole run, in the root Store. */
    private static RunningBackend runScoped(ExtensionContext context, BackendStarter starter, BackendSpec spec) {
        Store root = context.getRoot().getStore(NAMESPACE);
        return root.getOrComputeIfAbsent(new RunKey(spec), key -> new RunShared(starter.start(spec, "run")),
                RunShared.class).backend();
    }

    /** A RUN backend in the root Store: JUnit closes it when the whole run ends. */
    private record RunShared(RunningBackend backend) implements AutoCloseable {
        @Override
        public void close() {
            Stopping.stop(backend);
        }
    }

    private static BackendsView view(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(VIEW, BackendsView.class);
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
