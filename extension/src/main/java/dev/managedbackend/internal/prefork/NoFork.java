package dev.managedbackend.internal.prefork;

/**
 * Why a backend is not forked from a template, in words for the INFO line of its cold start,
 * e.g. "importing the app left 1 thread(s) running: poller".
 */
public final class NoFork extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean lasting;

    NoFork(String reason, boolean lasting) {
        super(reason, null, false, false);
        this.lasting = lasting;
    }

    /** The reason, to follow "starting cold: ". */
    public String reason() {
        return getMessage();
    }

    /** Whether it holds for every later backend of the same template spec (not just this one start). */
    boolean lasting() {
        return lasting;
    }
}
