package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.managedbackend.Backend;
import dev.managedbackend.Backends;
import dev.managedbackend.Scope;

/**
 * The backends a test sees at one level (class or method): those started at this level, plus
 * whatever the enclosing level sees. Lives in the JUnit Store of its level, so JUnit closes it,
 * and with it the backends this level owns, when the level ends.
 */
public final class BackendsView implements Backends, AutoCloseable {

    private final BackendsView parent;
    private final Map<String, Backend> visibleHere;
    private final Map<String, Scope> scopesHere;
    private final List<RunningBackend> owned;
    private final List<BackendSpec> perMethod;

    /**
     * @param parent    what the enclosing level sees, or null
     * @param started   backends available at this level, in declaration order
     * @param scopes    the scope each of {@code started} was declared with, by name
     * @param owned     those of {@code started} this level stops when it ends
     * @param perMethod {@code Scope.METHOD} declarations, started afresh for each test below
     */
    public BackendsView(BackendsView parent, List<? extends Backend> started, Map<String, Scope> scopes,
            List<RunningBackend> owned, List<BackendSpec> perMethod) {
        this.parent = parent;
        this.visibleHere = new LinkedHashMap<>();
        started.forEach(backend -> visibleHere.put(backend.name(), backend));
        this.scopesHere = Map.copyOf(scopes);
        this.owned = List.copyOf(owned);
        this.perMethod = List.copyOf(perMethod);
        started.forEach(UrlProperty::set);
    }

    /** The backends this level shows, by name (an inner declaration hides an outer one). */
    public Map<String, Backend> visible() {
        Map<String, Backend> all = new LinkedHashMap<>();
        all().forEach(backend -> all.put(backend.name(), backend));
        return all;
    }

    /** The scope of each backend this level shows, by name. */
    public Map<String, Scope> visibleScopes() {
        Map<String, Scope> scopes = parent == null ? new LinkedHashMap<>() : new LinkedHashMap<>(parent.visibleScopes());
        scopes.putAll(scopesHere);
        return scopes;
    }

    /** Scope.METHOD declarations of this level and the enclosing ones. */
    public List<BackendSpec> perMethodSpecs() {
        List<BackendSpec> specs = parent == null ? new ArrayList<>() : new ArrayList<>(parent.perMethodSpecs());
        specs.addAll(perMethod);
        return specs;
    }

    @Override
    public Backend get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "No backend named '" + name + "'; " + describeNames() + "."));
    }

    public Optional<Backend> find(String name) {
        Backend here = visibleHere.get(name);
        if (here != null) {
            return Optional.of(here);
        }
        return parent == null ? Optional.empty() : parent.find(name);
    }

    @Override
    public List<Backend> all() {
        Map<String, Backend> all = new LinkedHashMap<>();
        if (parent != null) {
            parent.all().forEach(backend -> all.put(backend.name(), backend));
        }
        all.putAll(visibleHere); // an inner declaration hides an outer one of the same name
        return List.copyOf(all.values());
    }

    /** Names of backends declared with scope METHOD, which do not exist outside a test. */
    public List<String> perMethodNames() {
        return perMethodSpecs().stream().map(BackendSpec::name).toList();
    }

    /** "backends of this test: 'a', 'b'" or "this test has no backend". */
    public String describeNames() {
        List<Backend> all = all();
        if (all.isEmpty()) {
            return "this test has no started backend";
        }
        return "backends of this test: " + all.stream().map(b -> "'" + b.name() + "'")
                .collect(Collectors.joining(", "));
    }

    /** Stops the backends this level owns, last started first. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
