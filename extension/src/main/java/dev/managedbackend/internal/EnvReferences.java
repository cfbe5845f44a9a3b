package dev.managedbackend.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.Scope;

/**
 * {@code env} values that refer to another backend the test can see, e.g.
 * {@code "USERS_URL=${users.url}"} ({@code url}, {@code host} or {@code port}). A backend that
 * refers to another starts after it; the others still start at once.
 *
 * <p>Every <code>${</code> is a reference: one that does not name a backend's url, host or port
 * is a configuration error (so a typo never reaches the app as literal text), and
 * <code>$${</code> stands for a literal <code>${</code>. A reference may point at a backend that
 * lives at least as long as the one that refers to it: {@code RUN} to {@code RUN},
 * {@code CLASS} to {@code CLASS} or {@code RUN}, {@code METHOD} to anything the test sees.
 */
public final class EnvReferences {

    private static final Pattern TARGET = Pattern.compile("(.+)\\.(url|host|port)");
    private static final Pattern NEAR_TARGET = Pattern.compile("(?i)(.+)\\.(url|host|port)");

    private EnvReferences() {
    }

    /** One {@code ${name.property}}. */
    public record Reference(String name, String property) {
    }

    /**
     * A value taken apart: literal text and references, in order; or, if it cannot be, why.
     *
     * @param parts {@link String} literals (with <code>$${</code> already turned into
     *              <code>${</code>) and {@link Reference}s
     */
    public record Parsed(List<Object> parts, Optional<String> problem) {

        public List<Reference> references() {
            return parts.stream().filter(Reference.class::isInstance).map(Reference.class::cast).toList();
        }
    }

    public static Parsed parse(String value) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (value.startsWith("${", i)) {
                int end = value.indexOf('}', i);
                if (end < 0) {
                    return problem(value.substring(i) + " has no closing '}'; write ${name.url}, ${name.host} or "
                            + "${name.port} to refer to another backend, or $${ for a literal ${");
                }
                String inside = value.substring(i + 2, end);
                Matcher target = TARGET.matcher(inside);
                if (!target.matches()) {
                    Matcher near = NEAR_TARGET.matcher(inside);
                    return problem("${" + inside + "} is not a reference to a backend" + (near.matches()
                            ? "; did you mean ${" + near.group(1) + "." + near.group(2).toLowerCase(Locale.ROOT) + "}?"
                            : ". Only ${name.url}, ${name.host} and ${name.port} are replaced (name: a backend this "
                                    + "test can see); write $${ for a literal ${"));
                }
                if (literal.length() > 0) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                parts.add(new Reference(target.group(1), target.group(2)));
                i = end + 1;
            } else {
                literal.append(value.charAt(i++));
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new Parsed(List.copyOf(parts), Optional.empty());
    }

    private static Parsed problem(String problem) {
        return new Parsed(List.of(), Optional.of(problem));
    }

    /** Names of the backends {@code spec}'s env refers to. */
    public static Set<String> targets(BackendSpec spec) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : spec.env().values()) {
            parse(value).references().forEach(reference -> names.add(reference.name()));
        }
        return names;
    }

    /**
     * The spec with every reference replaced by the value of the started backend and every
     * <code>$${</code> by <code>${</code>: what the app really gets.
     */
    public static BackendSpec resolve(BackendSpec spec, Function<String, Backend> started) {
        Map<String, String> env = new LinkedHashMap<>();
        spec.env().forEach((key, value) -> {
            StringBuilder resolved = new StringBuilder();
            for (Object part : parse(value).parts()) {
                if (part instanceof Reference reference) {
                    Backend target = started.apply(reference.name());
                    resolved.append(switch (reference.property()) {
                        case "url" -> target.baseUrl().toString();
                        case "host" -> target.host();
                        default -> Integer.toString(target.port());
                    });
                } else {
                    resolved.append(part);
                }
            }
            env.put(key, resolved.toString());
        });
        return spec.withEnv(env);
    }

    /**
     * Checks the references of backends declared together: each names a backend of
     * {@code specs} or one already {@code visible} from an enclosing level, that lives at least as
     * long as the one that refers to it, and there is no cycle. Returns the specs in an order
     * where every backend comes after those of {@code specs} it refers to.
     *
     * @param visible    the backends an enclosing level shows, by name, with their scopes
     * @param declaredOn the test class, for messages
     */
    public static List<BackendSpec> check(List<BackendSpec> specs, Map<String, Scope> visible, String declaredOn) {
        Map<String, BackendSpec> byName = byName(specs);
        for (BackendSpec spec : specs) {
            for (String target : targets(spec)) {
                Scope targetScope = byName.containsKey(target) ? byName.get(target).scope() : visible.get(target);
                if (targetScope == null && Caller.current() == Caller.TERMINAL) {
                    throw new BackendConfigurationException(String.format("%s: --env refers to ${%s...}, but a "
                            + "backend started from the command line sees no other backend. Write the other backend's "
                            + "URL itself (managed-backend status lists the URLs of running backends).",
                            declaredOn, target));
                }
                if (targetScope == null || lifetime(targetScope) < lifetime(spec.scope())) {
                    throw new BackendConfigurationException(String.format("@ManagedBackend(name = \"%s\") on %s: "
                            + "env refers to ${%s...}, but %s. Refer to a backend this test can see that lives at "
                            + "least as long (RUN to RUN; CLASS to CLASS or RUN; METHOD to any), as ${name.url}, "
                            + "${name.host} or ${name.port}.",
                            spec.name(), declaredOn, target, targetScope == null
                                    ? "no backend named '" + target + "' is visible here (visible: "
                                            + visibleNames(byName, visible) + ")"
                                    : "'" + target + "' has scope " + targetScope + " and this backend scope "
                                            + spec.scope() + ", so it would outlive its target"));
                }
            }
        }
        return dependencyOrder(specs, declaredOn);
    }

    /**
     * The specs in an order where every backend comes after those of {@code specs} it refers to;
     * references to others are not looked at.
     */
    public static List<BackendSpec> dependencyOrder(List<BackendSpec> specs, String declaredOn) {
        Map<String, BackendSpec> byName = byName(specs);
        List<BackendSpec> ordered = new ArrayList<>();
        Map<String, Boolean> visiting = new HashMap<>();
        for (BackendSpec spec : specs) {
            visit(spec, byName, visiting, ordered, new ArrayList<>(), declaredOn);
        }
        return ordered;
    }

    private static Map<String, BackendSpec> byName(List<BackendSpec> specs) {
        Map<String, BackendSpec> byName = new LinkedHashMap<>();
        specs.forEach(spec -> byName.put(spec.name(), spec));
        return byName;
    }

    /** RUN outlives CLASS, which outlives METHOD. */
    private static int lifetime(Scope scope) {
        return switch (scope) {
            case RUN -> 3;
            case CLASS, DEFAULT -> 2;
            case METHOD -> 1;
        };
    }

    private static List<String> visibleNames(Map<String, BackendSpec> here, Map<String, Scope> visible) {
        Set<String> names = new LinkedHashSet<>(visible.keySet());
        names.addAll(here.keySet());
        return List.copyOf(names);
    }

    private static void visit(BackendSpec spec, Map<String, BackendSpec> byName, Map<String, Boolean> state,
            List<BackendSpec> ordered, List<String> path, String declaredOn) {
        Boolean done = state.get(spec.name());
        if (Boolean.TRUE.equals(done)) {
            return;
        }
        path.add(spec.name());
        if (Boolean.FALSE.equals(done)) {
            throw new BackendConfigurationException(String.format("%s: the env references of its backends form "
                    + "a cycle (%s), so none of them could start first. Remove one of the references.",
                    declaredOn, String.join(" -> ", path)));
        }
        state.put(spec.name(), Boolean.FALSE);
        for (String target : targets(spec)) {
            BackendSpec dependency = byName.get(target);
            if (dependency != null) {
                visit(dependency, byName, state, ordered, path, declaredOn);
            }
        }
        state.put(spec.name(), Boolean.TRUE);
        path.remove(path.size() - 1);
        ordered.add(spec);
    }
}
