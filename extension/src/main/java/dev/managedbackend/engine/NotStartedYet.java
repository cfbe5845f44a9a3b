package dev.managedbackend.engine;

import dev.managedbackend.BackendNotRunningException;
import dev.managedbackend.ManagedBackendExtension;

/**
 * {@link ManagedBackendExtension#backend()} asked before the field's backend exists. Carries the
 * field, so a supplier of another field that asked can say which two fields are out of order.
 */
final class NotStartedYet extends BackendNotRunningException {

    private static final long serialVersionUID = 1L;
    private final transient ExtensionEngine.Placement placement;

    /** @param placement the field asked, or null if its class was not read yet */
    NotStartedYet(ExtensionEngine.Placement placement, String message) {
        super(message);
        this.placement = placement;
    }

    /** The field whose backend was asked for, or null if its class was not read yet. */
    ExtensionEngine.Placement placement() {
        return placement;
    }
}
