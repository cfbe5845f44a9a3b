package dev.managedbackend.engine;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendEngine;
import dev.managedbackend.ManagedBackendExtension;

/** The library's engine, found by the API through {@link java.util.ServiceLoader} ({@code META-INF/services}). */
public final class JupiterEngine implements BackendEngine {

    @Override
    public Extension extension(ManagedBackendExtension extension, BackendBuilder builder) {
        return ExtensionEngine.register(extension, builder);
    }

    @Override
    public Backend start(BackendBuilder builder) {
        return BuilderDeclarations.start(builder);
    }
}
