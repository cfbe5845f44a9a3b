package dev.managedbackend.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendStartException;
import dev.managedbackend.Prefork;
import dev.managedbackend.Scope;

import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendStarter;
import dev.managedbackend.internal.Caller;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Declaration;
import dev.managedbackend.internal.EnvReferences;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.SpecReader;

/** What a {@link BackendBuilder} describes, as the core's {@link Declaration}; and its start outside JUnit. */
final class BuilderDeclarations {

    private BuilderDeclarations() {
    }

    /** {@link BackendBuilder#start()}: configured defaults from {@code managedbackend.*} system properties. */
    static Backend start(BackendBuilder builder) {
        Config config = new Config(key -> Optional.ofNullable(System.getProperty(key)));
        String name = builder.description().name();
        String origin = Caller.current() == Caller.TERMINAL ? "backend '" + (name == null ? "default" : name) + "'"
                : "BackendBuilder" + (name == null ? "" : " '" + name + "'");
        BackendSpec spec = new SpecReader(config, Path.of("")).read(declaration(builder, origin, "default", true));
        EnvReferences.check(List.of(spec), Map.of(), origin);
        return new BackendStarter(Settings.from(config)).start(spec, spec.name());
    }

    /**
     * The builder as a {@link Declaration}.
     *
     * @param origin      where it was declared, for messages
     * @param defaultName the name if none was set
     * @param compute     take the computed env values now; else leave each empty and call no
     *                    supplier (to check names, modes and references before anything starts)
     */
    static Declaration declaration(BackendBuilder builder, String origin, String defaultName, boolean compute) {
        BackendBuilder.Description d = builder.description();
        String backendName = d.name() != null ? d.name() : defaultName;
        List<String> entries = new ArrayList<>();
        for (Object entry : d.env()) {
            if (entry instanceof BackendBuilder.ComputedEnv computed) {
                entries.add(compute ? entry(computed.key(), computed.value(), backendName, origin)
                        : computed.key() + "=");
            } else {
                entries.add((String) entry);
            }
        }
        return new Declaration(origin, backendName, d.app(), d.command(), Optional.ofNullable(d.dir()),
                Optional.ofNullable(d.python()), d.args(), d.image(), d.dockerfile(), optional(d.containerPort()),
                Optional.ofNullable(d.healthPath()), d.port(), optional(d.startupTimeoutSeconds()), entries,
                Optional.ofNullable(d.inheritEnv()), Optional.ofNullable(d.scope()),
                Optional.ofNullable(d.prefork()).map(p -> p == Prefork.ON));
    }

    /** Whether a scope was set (an instance field's backend must not set one). */
    static Optional<Scope> scope(BackendBuilder builder) {
        return Optional.ofNullable(builder.description().scope());
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /** An env value computed when the backend starts. */
    private static String entry(String key, Supplier<?> value, String backend, String origin) {
        Object computed;
        try {
            computed = value.get();
        } catch (NotStartedYet e) {
            throw new BackendStartException(notStartedYet(key, backend, origin, e), e);
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
    private static String notStartedYet(String key, String backend, String origin, NotStartedYet e) {
        ExtensionEngine.Placement target = e.placement();
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
