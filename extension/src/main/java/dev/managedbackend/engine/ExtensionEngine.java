package dev.managedbackend.engine;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestInstances;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendEngine;
import dev.managedbackend.BackendNotRunningException;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.Backends;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.ManagedBackendExtension;
import dev.managedbackend.Scope;

import dev.managedbackend.internal.BackendsView;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Declaration;
import dev.managedbackend.internal.RunningBackend;

/**
 * The work of one {@link ManagedBackendExtension}, which hands it all here (see that class for
 * what each callback does). The instance of an extension is found from the extension itself
 * ({@link #of}), for the fields of a test class.
 */
final class ExtensionEngine implements BackendEngine.Extension {

    /** The engine of each extension made so far (weakly: an extension JUnit dropped goes). */
    private static final Map<ManagedBackendExtension, ExtensionEngine> OF =
            Collections.synchronizedMap(new WeakHashMap<>());

    private static final Namespace NAMESPACE = Namespace.create(ManagedBackendExtension.class);
    /** The {@link LevelPlan} nearest to a level; a lookup from below finds it. */
    private static final String NEAREST = "nearest plan";
    /** Which instance of this extension answers parameter lookups: only one may. */
    private static final String RESOLVER = "resolver";

    private final BackendBuilder builder;
    /** Set once the field's CLASS or RUN backend has started. */
    private volatile Backend backend;
    /** A METHOD backend: the one of the test that runs on this thread (tests may run in parallel). */
    private final ThreadLocal<Backend> backendOfThisTest = new ThreadLocal<>();
    /** Which field this is and its backend's scope, once its class was read; for messages. */
    private volatile Placement placement;

    private ExtensionEngine(BackendBuilder builder) {
        this.builder = builder;
    }

    /** The engine of {@code extension}, made now. */
    static ExtensionEngine register(ManagedBackendExtension extension, BackendBuilder builder) {
        ExtensionEngine engine = new ExtensionEngine(builder);
        OF.put(extension, engine);
        return engine;
    }

    /** The engine of an extension made before. */
    static ExtensionEngine of(ManagedBackendExtension extension) {
        ExtensionEngine engine = OF.get(extension);
        if (engine == null) {
            throw new IllegalStateException("no engine for " + extension);
        }
        return engine;
    }

    /**
     * The backend of this field, once its scope has begun: from this field's own
     * {@code beforeAll} on for a static field (so a later field's supplier and {@code @BeforeAll}
     * methods can read it), and, for a fresh backend per test (an instance field, or
     * {@code scope(Scope.METHOD)}), the current test's, from its {@code beforeEach} on.
     *
     * @return the backend
     * @throws BackendNotRunningException before that, or for the instance {@link ManagedBackend} registers
     */
    @Override
    public Backend backend() {
        Backend perTest = backendOfThisTest.get();
        if (perTest != null) {
            return perTest;
        }
        Placement where = placement;
        Backend started = backend;
        if (started != null && (where == null || where.scope() != Scope.METHOD)) {
            return started;
        }
        if (builder == null) {
            throw new BackendNotRunningException("this ManagedBackendExtension reads @ManagedBackend annotations; "
                    + "inject the backend (a Backend or @BackendUrl parameter) instead.");
        }
        if (where == null) {
            throw new NotStartedYet(null, "the backend of " + builder + " has not started yet: its field is "
                    + "read when its test class begins. A static field's backend starts in that field's beforeAll, "
                    + "before @BeforeAll methods run; an instance field's in its beforeEach, before @BeforeEach "
                    + "methods run.");
        }
        if (where.scope() == Scope.METHOD) {
            throw new NotStartedYet(where, "the backend of " + where.field() + " has scope METHOD: there is one "
                    + "per test, from the test's beforeEach to its end, and none outside a test (a static "
                    + "initializer, @BeforeAll, @AfterAll, or another thread). Read it in @BeforeEach or the "
                    + "test, or make it a backend of the class (leave scope out).");
        }
        throw new NotStartedYet(where, "the backend of " + where.field() + " has not started yet: it starts in "
                + "its own beforeAll, in JUnit's registration order (@Order, then declaration order).");
    }

    /** Records the backend this field's group started; returns what undoes it when the level ends. */
    Runnable started(Backend started, Scope scope) {
        if (scope == Scope.METHOD) {
            backendOfThisTest.set(started);
            return backendOfThisTest::remove; // the level closes on the test's thread
        }
        backend = started;
        return () -> {
        };
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        translated(() -> {
            LevelPlan plan = classPlan(context);
            plan.startOwnedBy(this, builder == null);
            if (plan.allStarted()) { // else a later field's beforeAll does it
                injectStaticFields(context);
            }
        });
    }

    /**
     * The plan of the class of this class-level context, made (and every declaration of the
     * class checked) by the first instance of this extension to ask: its annotations and static
     * fields, in JUnit's order (annotations, then fields by {@code @Order}, then as declared).
     */
    private static LevelPlan classPlan(ExtensionContext context) {
        Store store = context.getStore(NAMESPACE);
        PlanFor key = new PlanFor(context.getUniqueId());
        ClosedByJUnit<?> existing = store.get(key, ClosedByJUnit.class);
        if (existing != null) {
            return (LevelPlan) existing.value();
        }
        Class<?> testClass = context.getRequiredTestClass();
        LevelPlan parentPlan = nearestPlan(context);
        BackendsView parent = parentPlan == null ? null : parentPlan.view(); // the enclosing class's, for @Nested
        Map<String, Scope> outside = new LinkedHashMap<>();
        if (parent != null) {
            parent.perMethodSpecs().forEach(spec -> outside.put(spec.name(), Scope.METHOD));
            outside.putAll(parent.visibleScopes());
        }
        List<DeclarationGroup> groups = new ArrayList<>();
        List<ManagedBackend> annotations = AnnotationSupport.findRepeatableAnnotations(testClass, ManagedBackend.class);
        if (!annotations.isEmpty()) {
            List<Declaration> declarations = AnnotationDeclarations.of(annotations, testClass);
            groups.add(new DeclarationGroup(DeclarationGroup.ANNOTATIONS, "the @ManagedBackend annotations of "
                    + testClass.getName(), computed -> declarations));
        }
        groups.addAll(fieldGroups(testClass, null));
        LevelPlan plan = new LevelPlan(context, ownerName(testClass), new Config(context::getConfigurationParameter),
                parent, outside, groups, scope -> true, scope -> scope != Scope.METHOD, testClass.getName());
        store.put(key, new ClosedByJUnit<>(plan));
        store.put(NEAREST, new Nearest(plan));
        return plan;
    }

    /**
     * One group per {@code @RegisterExtension} field of this extension in {@code type} (static
     * ones for {@code instance == null}, else that instance's), in JUnit's registration order.
     */
    private static List<DeclarationGroup> fieldGroups(Class<?> type, Object instance) {
        List<Field> fields = new ArrayList<>(ReflectionSupport.findFields(type, field -> field.isAnnotationPresent(
                RegisterExtension.class) && ManagedBackendExtension.class.isAssignableFrom(field.getType())
                && Modifier.isStatic(field.getModifiers()) == (instance == null), HierarchyTraversalMode.TOP_DOWN));
        fields.sort(Comparator.comparingInt(field -> AnnotationSupport.findAnnotation(field, Order.class)
                .map(Order::value).orElse(Order.DEFAULT))); // stable: declaration order among equals
        List<DeclarationGroup> groups = new ArrayList<>();
        for (Field field : fields) {
            Object value = ReflectionSupport.tryToReadFieldValue(field, instance).toOptional().orElse(null);
            if (!(value instanceof ManagedBackendExtension registered)) {
                continue;
            }
            ExtensionEngine extension = of(registered);
            if (extension.builder == null) {
                continue;
            }
            String origin = "@RegisterExtension " + (instance == null ? "static " : "") + "field " + field.getName()
                    + " of " + field.getDeclaringClass().getName();
            if (instance != null && BuilderDeclarations.scope(extension.builder).filter(scope -> scope != Scope.METHOD).isPresent()) {
                throw new BackendConfigurationException(origin + ": scope = " + BuilderDeclarations.scope(extension.builder).get()
                        + " does not apply to an instance field, whose backend is started for each test. "
                        + "Make the field static for a backend of the class (or of the run), or leave scope out.");
            }
            groups.add(new DeclarationGroup(extension, origin, computed -> {
                Declaration declaration = computed
                        ? BuilderDeclarations.declaration(extension.builder, origin, field.getName(), true)
                        : BuilderDeclarations.declaration(extension.builder, origin, field.getName(), false);
                if (instance != null) {
                    declaration = declaration.withScope(Scope.METHOD);
                }
                if (!computed) {
                    extension.placement = new Placement(origin, declaration.name(),
                            declaration.scope().orElse(null));
                }
                return List.of(declaration);
            }));
        }
        return groups;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        translated(() -> {
            Store store = context.getStore(NAMESPACE);
            if (store.get(new StartedFor(context.getUniqueId())) == null) { // the first instance, for this test
                store.put(new StartedFor(context.getUniqueId()), Boolean.TRUE);
                classLevelsReady(context);
                BackendsView view = view(context);
                if (view != null) {
                    view.all().stream().filter(b -> b instanceof RunningBackend running && running.wasStoppedOnPurpose())
                            .forEach(Backend::restart); // a test stopped it: the next one gets it back
                    FailureReports.requireRunning(context, view.all());
                }
            }
            LevelPlan plan = methodPlan(context);
            plan.startOwnedBy(this, builder == null);
            if (plan.allStarted()) { // else a later instance's beforeEach does it
                for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
                    injectFields(context, instance, instance.getClass());
                }
            }
        });
    }

    /**
     * Starts what the class levels of this test have not started yet (a group whose owner got
     * no beforeAll: it cannot be left out), then fills static fields again.
     */
    private static void classLevelsReady(ExtensionContext context) {
        for (ExtensionContext level : classLevels(context)) {
            ClosedByJUnit<?> plan = level.getStore(NAMESPACE).get(new PlanFor(level.getUniqueId()), ClosedByJUnit.class);
            if (plan != null && !((LevelPlan) plan.value()).allStarted()) {
                ((LevelPlan) plan.value()).startRemaining();
                injectStaticFields(level);
            }
        }
    }

    /** The class-level contexts above a test context, the outermost first. */
    private static List<ExtensionContext> classLevels(ExtensionContext context) {
        List<ExtensionContext> levels = new ArrayList<>();
        for (Optional<ExtensionContext> level = context.getParent(); level.isPresent(); level = level.get().getParent()) {
            if (level.get().getTestClass().isPresent() && level.get().getTestMethod().isEmpty()) {
                levels.add(0, level.get());
            }
        }
        return levels;
    }

    /**
     * The plan of this test: the METHOD backends its classes declare (annotations and static
     * fields) and those of its test instances' {@code @RegisterExtension} fields.
     */
    private static LevelPlan methodPlan(ExtensionContext context) {
        Store store = context.getStore(NAMESPACE);
        PlanFor key = new PlanFor(context.getUniqueId());
        ClosedByJUnit<?> existing = store.get(key, ClosedByJUnit.class);
        if (existing != null) {
            return (LevelPlan) existing.value();
        }
        List<DeclarationGroup> groups = new ArrayList<>();
        for (ExtensionContext level : classLevels(context)) {
            ClosedByJUnit<?> plan = level.getStore(NAMESPACE).get(new PlanFor(level.getUniqueId()), ClosedByJUnit.class);
            if (plan != null) {
                groups.addAll(((LevelPlan) plan.value()).groupsForEachTest());
            }
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            groups.addAll(fieldGroups(instance.getClass(), instance));
        }
        BackendsView classView = view(context);
        Map<String, Scope> outside = classView == null ? Map.of() : classView.visibleScopes();
        String owner = ownerName(context.getRequiredTestClass()) + "." + context.getRequiredTestMethod().getName();
        LevelPlan plan = new LevelPlan(context, owner, new Config(context::getConfigurationParameter), classView,
                outside, groups, scope -> scope == Scope.METHOD, scope -> scope == Scope.METHOD,
                context.getRequiredTestClass().getName());
        store.put(key, new ClosedByJUnit<>(plan));
        store.put(NEAREST, new Nearest(plan));
        return plan;
    }

    private static void injectStaticFields(ExtensionContext context) {
        injectFields(context, null, context.getRequiredTestClass());
        if (context.getTestInstanceLifecycle().orElse(Lifecycle.PER_METHOD) == Lifecycle.PER_CLASS) {
            // The instance exists already and a non-static @BeforeAll may read its fields.
            for (Object instance : context.getTestInstances().map(TestInstances::getAllInstances).orElse(List.of())) {
                injectFields(context, instance, instance.getClass());
            }
        }
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
                translated(() -> classPlan(context).startRemaining()); // PER_CLASS: the instance is made before beforeAll
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

    /** Core failures in JUnit's terms: a bad declaration is JUnit's configuration error. */
    private static void translated(Runnable action) {
        try {
            action.run();
        } catch (BackendConfigurationException e) {
            throw new ExtensionConfigurationException(e.getMessage(), e);
        }
    }

    private static LevelPlan nearestPlan(ExtensionContext context) {
        Nearest nearest = context.getStore(NAMESPACE).get(NEAREST, Nearest.class);
        return nearest == null ? null : nearest.plan();
    }

    private static BackendsView view(ExtensionContext context) {
        LevelPlan plan = nearestPlan(context);
        return plan == null ? null : plan.view();
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

    /** Key of the plan of one level (a class or a test), by the level's unique id. */
    private record PlanFor(String level) {
    }

    /**
     * The plan nearest to a level, under one key, so a lookup from below finds it; not closed
     * by JUnit (its level's {@link PlanFor} entry is).
     */
    private record Nearest(LevelPlan plan) {
    }

    /** A field's place, for messages: {@code @RegisterExtension static field notes of com.example.GatewayIT}. */
    record Placement(String field, String backendName, Scope scope) {
    }
}
