package dev.managedbackend.engine;

import java.util.List;
import java.util.function.Function;

import dev.managedbackend.ManagedBackend;

import dev.managedbackend.internal.Declaration;

/**
 * Declarations that start together, in the callback of the extension instance that owns them:
 * the {@link ManagedBackend} annotations of a class (owned by the instance the annotation
 * registers) or one {@code @RegisterExtension} field (owned by that field's instance).
 *
 * @param owner        the extension instance whose callback starts the group, or {@link #ANNOTATIONS}
 * @param label        for messages, e.g. {@code @RegisterExtension static field notes of com.example.GatewayIT}
 * @param declarations with {@code true}: the real ones, suppliers called now; with {@code false}:
 *                     the same with every supplied value left empty, to check names and references
 *                     before anything starts
 */
record DeclarationGroup(Object owner, String label, Function<Boolean, List<Declaration>> declarations) {

    /** The owner of annotation groups: whichever instance reads the annotations. */
    static final Object ANNOTATIONS = new Object() {
        @Override
        public String toString() {
            return "the @ManagedBackend annotations";
        }
    };

    boolean ownedBy(ExtensionEngine extension, boolean readsAnnotations) {
        return owner == extension || (readsAnnotations && owner == ANNOTATIONS);
    }
}
