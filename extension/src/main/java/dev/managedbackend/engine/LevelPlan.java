package dev.managedbackend.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.extension.ExtensionContext;

import dev.managedbackend.Backend;
import dev.managedbackend.Scope;

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
 * The backends of one level (a test class, or one test) and which of their groups have started.
 * Every declaration of the level is checked when the plan is made, before anything starts; then
 * each group starts in its owner's callback, so fields start in JUnit's registration order and
 * a supplier can read an earlier field's backend. A group that refers to a later one
 * ({@code ${name.url}}) takes it along: they start together, the target first.
 *
 * <p>Lives in the level's Store, so JUnit closes it when the level ends: it stops what it started,
 * group by group, the last started first. Synchronized: the tests of a class may run in parallel
 * and each looks at its class's plan.
 */
final class LevelPlan implements AutoCloseable {

    private final ExtensionContext context;
    private final String owner;
    private final Config config;
    private final Predicate<Scope> startsHere;
    private final List<DeclarationGroup> groups;
    private final List<DeclarationGroup> groupsForEachTest;
    /** Each group's backends that start at this level, as checked (supplied values empty). */
    private final Map<DeclarationGroup, List<BackendSpec>> checked = new LinkedHashMap<>();
    private final Set<DeclarationGroup> started = new LinkedHashSet<>();
    private final List<BackendsView> views = new ArrayList<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private BackendsView current;

    /**
     * @param parent    what the enclosing level sees, or null
     * @param outside   the backends of enclosing levels, with their scopes, for the reference check
     * @param checks    which scopes are checked here (a class checks its METHOD declarations too)
     * @param startsHere which of those this level starts (the others are left to each test)
     */
    LevelPlan(ExtensionContext context, String owner, Config config, BackendsView parent, Map<String, Scope> outside,
            List<DeclarationGroup> groups, Predicate<Scope> checks, Predicate<Scope> startsHere, String declaredOn) {
        this.context = context;
        this.owner = owner;
        this.config = config;
        this.startsHere = startsHere;
        List<BackendSpec> all = new ArrayList<>();
        List<BackendSpec> later = new ArrayList<>();
        List<DeclarationGroup> kept = new ArrayList<>();
        List<DeclarationGroup> forBelow = new ArrayList<>();
        for (DeclarationGroup group : groups) {
            List<BackendSpec> specs = read(group, false).stream().filter(spec -> checks.test(spec.scope())).toList();
            all.addAll(specs);
            List<BackendSpec> notHere = specs.stream().filter(spec -> !startsHere.test(spec.scope())).toList();
            later.addAll(notHere);
            if (!notHere.isEmpty()) {
                forBelow.add(group);
            }
            List<BackendSpec> here = specs.stream().filter(spec -> startsHere.test(spec.scope())).toList();
            if (!here.isEmpty()) { // a group with nothing to start here is not read again here
                checked.put(group, here);
                kept.add(group);
            }
        }
        this.groups = List.copyOf(kept);
        this.groupsForEachTest = List.copyOf(forBelow);
        SpecReader.requireDistinctNames(all, declaredOn);
        EnvReferences.check(all, outside, declaredOn);
        // the METHOD backends are named here too, for the hint when a class-level injection asks for one
        this.current = later.isEmpty() ? parent : new BackendsView(parent, List.of(), Map.of(), List.of(), later);
    }

    /** The groups with backends this level leaves to each test (METHOD scope). */
    List<DeclarationGroup> groupsForEachTest() {
        return groupsForEachTest;
    }

    /** What the level sees now: its started backends and those of the enclosing levels. */
    synchronized BackendsView view() {
        return current;
    }

    synchronized boolean allStarted() {
        return started.size() == groups.size();
    }

    /** Starts the groups {@code extension} owns at this level (none: nothing to do). */
    synchronized void startOwnedBy(ExtensionEngine extension, boolean readsAnnotations) {
        for (DeclarationGroup group : groups) {
            if (group.ownedBy(extension, readsAnnotations)) {
                start(group);
            }
        }
    }

    /** Starts whatever has not started yet (a group whose owner got no callback before it was needed). */
    synchronized void startRemaining() {
        groups.forEach(this::start);
    }

    private void start(DeclarationGroup group) {
        if (started.contains(group)) {
            return;
        }
        List<DeclarationGroup> together = withTargets(group);
        started.addAll(together); // a failed start is not tried again
        List<BackendSpec> specs = new ArrayList<>();
        Map<String, DeclarationGroup> groupOf = new LinkedHashMap<>();
        for (DeclarationGroup member : together) {
            for (BackendSpec spec : read(member, true)) {
                if (startsHere.test(spec.scope())) {
                    specs.add(spec);
                    groupOf.put(spec.name(), member);
                }
            }
        }
        if (specs.isEmpty()) {
            return;
        }
        Map<String, Backend> visible = current == null ? new LinkedHashMap<>() : current.visible();
        BackendStarter starter = new BackendStarter(Settings.from(config));
        Map<String, RunningBackend> byName = new LinkedHashMap<>();
        for (BackendSpec spec : EnvReferences.dependencyOrder(ofScope(specs, Scope.RUN), owner)) {
            RunningBackend backend = FailureReports.attachingLog(context,
                    () -> RunScope.join(context, starter, EnvReferences.resolve(spec, visible::get)));
            byName.put(spec.name(), backend);
            visible.put(spec.name(), backend);
        }
        List<BackendSpec> owned = specs.stream().filter(spec -> spec.scope() != Scope.RUN).toList();
        FailureReports.attachingLog(context, () -> starter.startAll(owned, owner, visible))
                .forEach(backend -> byName.put(backend.name(), backend));
        List<Backend> inOrder = new ArrayList<>(); // as declared
        Map<String, Scope> scopes = new LinkedHashMap<>();
        specs.forEach(spec -> {
            inOrder.add(byName.get(spec.name()));
            scopes.put(spec.name(), spec.scope());
        });
        List<RunningBackend> toStop = EnvReferences.dependencyOrder(owned, owner).stream() // targets first: they stop last
                .map(spec -> byName.get(spec.name())).toList();
        current = new BackendsView(current, inOrder, scopes, toStop, List.of());
        views.add(current);
        inOrder.forEach(backend -> {
            if (groupOf.get(backend.name()).owner() instanceof ExtensionEngine field) {
                onClose.add(field.started(backend, scopes.get(backend.name())));
            }
        });
    }

    /** {@code group} and the unstarted groups of this level its references lead to, in plan order. */
    private List<DeclarationGroup> withTargets(DeclarationGroup group) {
        Set<DeclarationGroup> found = new LinkedHashSet<>();
        List<DeclarationGroup> pending = new ArrayList<>(List.of(group));
        while (!pending.isEmpty()) {
            DeclarationGroup next = pending.remove(0);
            if (!found.add(next)) {
                continue;
            }
            for (BackendSpec spec : checked.get(next)) {
                for (String target : EnvReferences.targets(spec)) {
                    groups.stream().filter(other -> !started.contains(other) && !found.contains(other))
                            .filter(other -> checked.get(other).stream().anyMatch(s -> s.name().equals(target)))
                            .forEach(pending::add);
                }
            }
        }
        return groups.stream().filter(found::contains).toList();
    }

    private List<BackendSpec> read(DeclarationGroup group, boolean computed) {
        SpecReader reader = new SpecReader(config, Path.of(""));
        List<BackendSpec> specs = new ArrayList<>();
        for (Declaration declaration : group.declarations().apply(computed)) {
            specs.add(reader.read(declaration));
        }
        return specs;
    }

    private static List<BackendSpec> ofScope(List<BackendSpec> specs, Scope scope) {
        return specs.stream().filter(spec -> spec.scope() == scope).toList();
    }

    /** Stops what this level started, the last group first (each group its dependents first). */
    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (int i = views.size() - 1; i >= 0; i--) {
            try {
                views.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        onClose.forEach(Runnable::run);
        if (failure != null) {
            throw failure;
        }
    }
}
