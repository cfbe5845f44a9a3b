package dev.managedbackend.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.managedbackend.InheritEnv;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Prefork;
import dev.managedbackend.Scope;

import dev.managedbackend.internal.Declaration;

/**
 * Reads {@link ManagedBackend} annotations as {@link Declaration}s: an attribute left at its
 * "not written" marker ({@link ManagedBackend#DEFAULT}, {@link ManagedBackend#DEFAULT_NUMBER},
 * {@code Scope.DEFAULT}, {@code InheritEnv.DEFAULT}, {@code Prefork.DEFAULT}) becomes empty, so a configured default
 * may apply; any other value is the user's and wins.
 */
final class AnnotationDeclarations {

    private AnnotationDeclarations() {
    }

    static List<Declaration> of(List<ManagedBackend> annotations, Class<?> testClass) {
        return annotations.stream().map(annotation -> of(annotation, testClass)).toList();
    }

    static Declaration of(ManagedBackend a, Class<?> testClass) {
        return new Declaration(
                "@ManagedBackend(name = \"" + a.name() + "\") on " + testClass.getName(),
                a.name(),
                a.app(),
                Arrays.asList(a.command()),
                written(a.dir()),
                written(a.python()),
                Arrays.asList(a.args()),
                a.image(),
                a.dockerfile(),
                written(a.containerPort()),
                written(a.healthPath()),
                a.port(),
                written(a.startupTimeoutSeconds()),
                Arrays.asList(a.env()),
                a.inheritEnv() == InheritEnv.DEFAULT ? Optional.empty() : Optional.of(a.inheritEnv()),
                a.scope() == Scope.DEFAULT ? Optional.empty() : Optional.of(a.scope()),
                a.prefork() == Prefork.DEFAULT ? Optional.empty() : Optional.of(a.prefork() == Prefork.ON));
    }

    private static Optional<String> written(String value) {
        return value.equals(ManagedBackend.DEFAULT) ? Optional.empty() : Optional.of(value);
    }

    private static OptionalInt written(int value) {
        return value == ManagedBackend.DEFAULT_NUMBER ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
