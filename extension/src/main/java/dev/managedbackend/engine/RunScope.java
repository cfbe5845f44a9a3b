package dev.managedbackend.engine;

import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.managedbackend.Scope;

import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendStarter;
import dev.managedbackend.internal.RunningBackend;

/** {@link Scope#RUN}: one backend per identical spec (references resolved) for the whole run, in the root Store. */
final class RunScope {

    private static final Namespace NAMESPACE = Namespace.create(RunScope.class);

    private RunScope() {
    }

    /** The run's backend for {@code spec}, started now if it is the first to ask. */
    @SuppressWarnings("unchecked")
    static RunningBackend join(ExtensionContext context, BackendStarter starter, BackendSpec spec) {
        Store root = context.getRoot().getStore(NAMESPACE);
        ClosedByJUnit<Shared> shared = root.getOrComputeIfAbsent(new Key(spec),
                key -> new ClosedByJUnit<>(new Shared(starter.start(spec, "run"))), ClosedByJUnit.class);
        return shared.value().backend();
    }

    /** A RUN backend in the root Store: JUnit closes it when the whole run ends. */
    private record Shared(RunningBackend backend) implements AutoCloseable {
        @Override
        public void close() {
            backend.close();
        }
    }

    /** Equal specs share one. */
    private record Key(BackendSpec spec) {
    }
}
