package dev.managedbackend;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;

import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Wires backends into the JUnit lifecycle: those of {@link ManagedBackend} annotations (which
 * register this extension) and those described in code on a {@code @RegisterExtension} field:
 * <pre>{@code
 * @RegisterExtension
 * static ManagedBackendExtension api = new ManagedBackendExtension(
 *         BackendBuilder.app("app.main:app").dir("sample-fastapi").env("DATABASE_URL", () -> db.url()));
 * }</pre>
 * A static field is a backend of the class ({@link Scope#CLASS} unless the builder says
 * otherwise), an instance field a fresh backend per test; the field's name is the backend's name
 * unless the builder sets one. Annotations and fields of a class are checked together, before
 * anything starts: the same checks, injection, references and stop.
 *
 * <p>Holds no started backend of its own: what it starts lives in a plan (the engine's, {@code dev.managedbackend.engine}) in the JUnit
 * Store of the level it belongs to, so JUnit closes it, whether the tests passed or not, and the
 * plan stops its backends in reverse start order. Each instance starts its own: the one the
 * annotations register starts them all together, each field's instance its field's backend, in
 * JUnit's registration order ({@code @Order}, then declaration), so a supplier can read an
 * earlier field's {@link #backend()}.
 * <ul>
 * <li>{@code beforeAll}: starts this instance's CLASS backends (and joins or starts its RUN
 *     ones); the last one to start fills static {@code @BackendUrl} fields;</li>
 * <li>{@code beforeEach}: starts this instance's METHOD backends; the first instance starts again
 *     those a test stopped ({@link Backend#stop()}), the last fills instance fields of every test
 *     instance (the outer ones too, for {@code @Nested});</li>
 * <li>parameters: {@code @BackendUrl}, {@link Backend} and {@link Backends}.</li>
 * </ul>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ManagedBackendExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    /** The work of this instance, done by the engine ({@link BackendEngine}). */
    private final BackendEngine.Extension engine;

    /** The instance {@link ManagedBackend} registers: it reads the annotations. */
    public ManagedBackendExtension() {
        this.engine = BackendEngine.get().extension(this, null);
    }

    /**
     * A backend described in code, for a {@code @RegisterExtension} field.
     *
     * @param builder what to start
     */
    public ManagedBackendExtension(BackendBuilder builder) {
        this.engine = BackendEngine.get().extension(this, Objects.requireNonNull(builder, "builder"));
    }

    /**
     * The backend of this field, once its scope has begun: from this field's own
     * {@code beforeAll} on for a static field (so a later field's supplier and {@code @BeforeAll}
     * methods can read it), and, for a fresh backend per test (an instance field, or
     * {@code scope(Scope.METHOD)}), the current test's, from its {@code beforeEach} on.
     *
     * @return the backend
     * @throws BackendNotRunningException before that, or for the instance {@link ManagedBackend} registers
     */
    public Backend backend() {
        return engine.backend();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        engine.beforeAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        engine.beforeEach(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return engine.supportsParameter(parameter, context);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return engine.resolveParameter(parameter, context);
    }
}
