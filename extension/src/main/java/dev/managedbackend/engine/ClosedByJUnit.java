package dev.managedbackend.engine;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts something that must be closed into a JUnit Store so that JUnit closes it when the Store's
 * scope ends, on every Jupiter version: 5.13 and later close {@link AutoCloseable} values, 5.10
 * to 5.12 only {@code Store.CloseableResource} ones (deprecated since, but still honoured). Each
 * Jupiter closes a value once, whichever interface it goes by.
 */
@SuppressWarnings("deprecation")
final class ClosedByJUnit<T extends AutoCloseable> implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final T value;

    ClosedByJUnit(T value) {
        this.value = value;
    }

    T value() {
        return value;
    }

    @Override
    public void close() throws Exception {
        value.close();
    }
}
