package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import dev.managedbackend.Backend;

/**
 * {@code env} values that refer to another backend of the same test class, e.g.
 * {@code "USERS_URL=${users.url}"} ({@code url}, {@code host} or {@code port}). A backend that
 * refers to another starts after it; the others still start at once.
 */
public final class EnvReferences {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)\\.(url|host|port)}");

    private EnvReferences() {
    }

    /** Names of the backends {@code spec}'s env refers to. */
    public static Set<String> targets(BackendSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : spec.env().values()) {
            Matcher m = REFERENCE.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The spec with every reference replaced by the value of the started backend. */
    public static BackendSpec resolve(BackendSpec spec, Map<String, ? extends Backend> started) {
        if (targets(spec).isEmpty()) {
            return spec;
        }
        Map<String, String> env = new LinkedHashMap<>();
        spec.env().forEach((key, value) -> env.put(key, REFERENCE.matcher(value).replaceAll(m -> {
            Backend target = started.get(m.group(1));
            String replacement = switch (m.group(2)) {
                case "url" -> target.baseUrl().toString();
                case "host" -> target.host();
                default -> Integer.toString(target.port());
            };
            return Matcher.quoteReplacement(replacement);
        })));
        return new BackendSpec(spec.name(), spec.mode(), spec.app(), spec.command(), spec.dir(), spec.python(),
                spec.args(), spec.image(), spec.dockerfile(), spec.containerPort(), spec.healthPath(),
                spec.port(), spec.startupTimeout(), env, spec.scope());
    }

    /**
     * Checks the references of one class's specs: each names a backend of the class with the
     * same scope, and there is no cycle. Returns the specs in an order where every backend comes
     * after those it refers to.
     */
    public static List<BackendSpec> ordered(List<BackendSpec> specs, Class<?> testClass) {
        Map<String, BackendSpec> byName = new LinkedHashMap<>();
        specs.forEach(spec -> byName.put(spec.name(), spec));
        for (BackendSpec spec : specs) {
            for (String target : targets(spec)) {
                BackendSpec other = byName.get(target);
                if (other == null || other.scope() != spec.scope()) {
                    throw new ExtensionConfigurationException(String.format("@ManagedBackend(name = \"%s\") on %s: "
                            + "env refers to ${%s...}, but %s. Refer to a backend declared on the same class with "
                            + "the same scope, as ${name.url}, ${name.host} or ${name.port}.",
                            spec.name(), testClass.getName(), target,
                            other == null ? "the class declares no backend named '" + target + "' (it declares "
                                    + byName.keySet() + ")"
                                    : "'" + target + "' has scope " + other.scope() + " and this one " + spec.scope()));
                }
            }
        }
        List<BackendSpec> ordered = new ArrayList<>();
        Map<String, Boolean> visiting = new HashMap<>();
        for (BackendSpec spec : specs) {
            visit(spec, byName, visiting, ordered, new ArrayList<>(), testClass);
        }
        return ordered;
    }

    private static void visit(BackendSpec spec, Map<String, BackendSpec> byName, Map<String, Boolean> state,
            List<BackendSpec> ordered, List<String> path, Class<?> testClass) {
        Boolean done = state.get(spec.name());
        if (Boolean.TRUE.equals(done)) {
            return;
        }
        path.add(spec.name());
        if (Boolean.FALSE.equals(done)) {
            throw new ExtensionConfigurationException(String.format("%s: the env references of its backends form "
                    + "a cycle (%s), so none of them could start first. Remove one of the references.",
                    testClass.getName(), String.join(" -> ", path)));
        }
        state.put(spec.name(), Boolean.FALSE);
        for (String target : targets(spec)) {
            visit(byName.get(target), byName, state, ordered, path, testClass);
        }
        state.put(spec.name(), Boolean.TRUE);
        path.remove(path.size() - 1);
        ordered.add(spec);
    }
}
