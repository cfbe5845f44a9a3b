package dev.managedbackend.internal.os;

import java.util.Optional;

/**
 * The mark that makes a process ours: {@code MANAGED_BACKEND_OWNER=<jvm identity>:<backend>} in
 * its environment, set when a backend is launched and inherited by everything it starts. The
 * {@link JvmIdentity} makes the mark unique to this JVM across hosts, pid namespaces, reboots and
 * reused pids. This is the one ownership rule: a process is signalled, by the normal stop, the
 * sweep, the watchdog, prefork or the command line, only while its environment carries the
 * tag it was started with, read right before each signal ({@link ProcessStopper}).
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

    /**
     * How the owner part of a kept backend's tag begins ({@code reuse-<random>:<name>}): a backend
     * reused between runs is owned by no JVM, so that no JVM's watchdog stops it; its keeper does.
     */
    public static final String REUSE_PREFIX = "reuse-";

    /** {@code <jvm identity>:}, the part every backend of this JVM shares. */
    private static final String JVM_PREFIX = JvmIdentity.self() + ":";

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
        int colon = tag == null ? -1 : tag.indexOf(':');
        return colon < 0 ? Optional.empty() : JvmIdentity.parse(tag.substring(0, colon)).map(Owner::new);
    }

    /** The backend name a tag carries after its owner, or the whole tag if it is not well-formed. */
    public static String backendOf(String tag) {
        int colon = tag.indexOf(':');
        return colon < 0 ? tag : tag.substring(colon + 1);
    }

    /** This JVM's {@link JvmIdentity}, as a label value for what outlives it in a shared place (images). */
    public static String jvmIdentity() {
        return JvmIdentity.self();
    }

    /**
     * The one ownership rule, asked right before each signal by {@link ProcessStopper}: whether
     * {@code process} runs and its environment carries exactly {@code tag} now (read from
     * {@code /proc}, or through OSHI where there is none). Only our own user's environments can be
     * read, so another user's process never matches; a pid reused since the tag was last read
     * carries another environment.
     */
    public static boolean isCarriedBy(ProcessHandle process, String tag) {
        if (tag == null || tag.isEmpty() || !ProcessIdentity.isRunning(process)) {
            return false;
        }
        return ProcessIdentity.carriesTag(process.pid(), tag);
    }

    /** A test JVM, as a tag names it. */
    public record Owner(JvmIdentity.Self identity) {
        public long pid() {
            return identity.pid();
        }

        /**
         * Whether that very JVM may still run: true unless it is provably gone (one of another pid
         * namespace or boot cannot be seen from here, so it counts as running).
         */
        public boolean isAlive() {
            return !identity.isSeenFromHere() || ProcessIdentity.isAlive(identity.pid(), identity.start());
        }
    }
}
