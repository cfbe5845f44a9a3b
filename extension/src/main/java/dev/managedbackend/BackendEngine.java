package dev.managedbackend;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ServiceLoader;

import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;

/**
 * What the API's two entry points, {@link ManagedBackendExtension} and
 * {@link BackendBuilder#start()}, hand their work to. Not API: the API declares it, so that it
 * depends on nothing of the rest of the library (as JUnit's API does not depend on its engine),
 * and the engine ({@code dev.managedbackend.engine}) implements it, found once through
 * {@link ServiceLoader} ({@code META-INF/services}).
 */
@API(status = INTERNAL, since = "0.1")
public interface BackendEngine {

    /**
     * The engine of one {@link ManagedBackendExtension}.
     *
     * @param extension the extension (its field is found by it)
     * @param builder   what a field describes in code, or null for the instance the annotations register
     * @return its engine
     */
    Extension extension(ManagedBackendExtension extension, BackendBuilder builder);

    /**
     * Starts what {@code builder} describes, outside JUnit (see {@link BackendBuilder#start()}).
     *
     * @param builder what to start
     * @return the backend, ready
     */
    Backend start(BackendBuilder builder);

    /** One extension's work: JUnit's callbacks and the field's backend. */
    interface Extension {

        /**
         * As {@link ManagedBackendExtension#beforeAll}.
         *
         * @param context the class's
         */
        void beforeAll(ExtensionContext context);

        /**
         * As {@link ManagedBackendExtension#beforeEach}.
         *
         * @param context the test's
         */
        void beforeEach(ExtensionContext context);

        /**
         * As {@link ManagedBackendExtension#supportsParameter}.
         *
         * @param parameter the parameter
         * @param context   the level asking
         * @return whether this extension resolves it
         */
        boolean supportsParameter(ParameterContext parameter, ExtensionContext context);

        /**
         * As {@link ManagedBackendExtension#resolveParameter}.
         *
         * @param parameter the parameter
         * @param context   the level asking
         * @return its value
         */
        Object resolveParameter(ParameterContext parameter, ExtensionContext context);

        /**
         * As {@link ManagedBackendExtension#backend()}.
         *
         * @return the field's backend
         */
        Backend backend();
    }

    /**
     * The engine on the classpath: the library's own, unless something else offers one.
     *
     * @return the engine, loaded once
     */
    static BackendEngine get() {
        return Loaded.ENGINE;
    }

    /** Loads the engine once, on first use. */
    final class Loaded {
        static final BackendEngine ENGINE = ServiceLoader.load(BackendEngine.class, BackendEngine.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("managed-backend: no "
                        + BackendEngine.class.getName() + " in META-INF/services on the classpath: is the jar "
                        + "complete?"));

        private Loaded() {
        }
    }
}
