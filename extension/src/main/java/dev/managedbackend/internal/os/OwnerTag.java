package dev.managedbackend.internal.os;

import java.util.Optional;

/**
 * The mark that makes a process ours: {@code MANAGED_BACKEND_OWNER=<jvm pid>:<jvm start>:<backend>}
 * in its environment, set when a backend is launched and inherited by everything it starts. The
 * JVM's start stamp makes the mark unique to this JVM even after its pid is reused. Every signal
 * the extension sends, in the normal stop, the sweep and the watchdog, first checks this mark.
 */
public final class OwnerTag {

    /** The environment variable. */
    public static final String VARIABLE = "MANAGED_BACKEND_OWNER";

    /**
     * Set (non-empty) in the environment of the backends that the command line's {@code start}
     * starts to outlive it, so that a report on who holds a port can say how to stop one. Only
     * descriptions read it: what may be signalled is decided by the tag and the ledger alone.
     */
    public static final String DETACHED_VARIABLE = "MANAGED_BACKEND_DETACHED";

    /** {@code <jvm pid>:<jvm start>:}, the part every backend of this JVM shares. */
    private static final String JVM_PREFIX = ProcessIdentity.selfPid() + ":" + ProcessIdentity.selfStart() + ":";

    private OwnerTag() {
    }

    /** The tag of a backend of this JVM. */
    public static String of(String backendName) {
        return JVM_PREFIX + backendName;
    }

    /** What every tag of this JVM starts with. */
    public static String jvmPrefix() {
        return JVM_PREFIX;
    }

    /** The test JVM a tag names, if it is well-formed. */
    public static Optional<Owner> ownerOf(String tag) {
        String[] parts = tag == null ? new String[0] : tag.split(":", 3);
        if (parts.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * This JVM as a label value that is unique across hosts and reboots, for what outlives it in a
     * shared place (images in a Docker engine): {@code <boot id>:<jvm pid>:<jvm start>}.
     */
    public static String jvmIdentity() {
        return ProcessIdentity.bootId() + ":" + ProcessIdentity.selfPid() + ":" + ProcessIdentity.selfStart();
    }

    /**
     * Whether the JVM a {@link #jvmIdentity()} names is provably gone: it ran on this host in
     * this boot, and no process with its pid and start runs now. Another host's, an earlier
     * boot's, or one that cannot be read is not provably gone.
     */
    public static boolean isProvablyGone(String jvmIdentity) {
        String[] parts = jvmIdentity == null ? new String[0] : jvmIdentity.split(":");
        if (parts.length != 3 || ProcessIdentity.bootId().isEmpty() || !parts[0].equals(ProcessIdentity.bootId())) {
            return false;
        }
        try {
            return !ProcessIdentity.isAlive(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A test JVM, by pid and start stamp. */
    public record Owner(long pid, long start) {
        /** Whether that very JVM still runs (not just some process with its pid). */
        public boolean isAlive() {
            return ProcessIdentity.isAlive(pid, start);
        }
    }
}
