package dev.managedbackend;

/**
 * {@link ManagedBackendExtension#backend()} asked before the field's backend exists. Carries the
 * field, so a supplier of another field that asked can say which two fields are out of order.
 */
final class NotStartedYet extends BackendNotRunningException {

    private static final long serialVersionUID = 1L;
    private final transient ManagedBackendExtension.Placement placement;

    /** @param placement the field asked, or null if its class was not read yet */
    NotStartedYet(ManagedBackendExtension.Placement placement, String message) {
        super(message);
        this.placement = placement;
    }

    /** The field whose backend was asked for, or null if its class was not read yet. */
    ManagedBackendExtension.Placement placement() {
        return placement;
    }
}
