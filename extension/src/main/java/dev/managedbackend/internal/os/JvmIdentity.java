package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Who made something: this JVM, as one word that is unique across hosts, containers, pid
 * namespaces and reboots, {@code <boot>-<pid namespace>-<pid>-<start>-<random>}. The one source
 * of every name the extension gives to what it starts: the {@link OwnerTag} in backends'
 * environments, ledger entry names, container labels, built images' names and labels.
 *
 * <ul>
 * <li>{@code boot}: 8 hex digits of the kernel's boot id ({@code 0} where there is none);</li>
 * <li>{@code pid namespace}: the inode of {@code /proc/self/ns/pid} ({@code 0} where there is none):
 *     two CI jobs in containers of their own have the same pid, and this tells them apart;</li>
 * <li>{@code pid} and {@code start}: {@link ProcessIdentity#selfStart()}, so that a reused pid is
 *     another identity;</li>
 * <li>{@code random}: 48 bits from the kernel's random source ({@code /dev/urandom}, else
 *     {@link SecureRandom}), made once per JVM, so that two JVMs that
 *     share everything else (another host with the same pid, boot id and start tick by chance,
 *     a namespace inode reused) still differ.</li>
 * </ul>
 *
 * <p>Only letters, digits and {@code -}: valid in file names, label values, image tags and
 * environment values, and no word of shell or regular-expression syntax.
 *
 * <p>Liveness: a JVM is provably gone only if it ran in this boot and this pid namespace, and
 * no process with its pid and start runs now. One that ran elsewhere (another host, another pid
 * namespace sharing the engine or the state folder) can never be proven gone here.
 */
public final class JvmIdentity {

    private static final String PID_NAMESPACE = readPidNamespace();
    private static final String RANDOM = RandomHex.of(6);
    private static final Self SELF = new Self(ProcessIdentity.boot(), PID_NAMESPACE, ProcessIdentity.selfPid(),
            ProcessIdentity.selfStart(), RANDOM);

    private JvmIdentity() {
    }

    /** This JVM's identity. */
    public static String self() {
        return SELF.toString();
    }

    /**
     * A process of this host and pid namespace that is not a JVM of ours (a detached backend's
     * root), by pid and start: random part {@code 0}.
     */
    public static String ofProcess(long pid, long start) {
        return new Self(ProcessIdentity.boot(), PID_NAMESPACE, pid, start, "0").toString();
    }

    /** This pid namespace: the inode of {@code /proc/self/ns/pid}, or {@code 0}. */
    public static String pidNamespace() {
        return PID_NAMESPACE;
    }

    /** An identity taken apart; empty if {@code identity} is not one. */
    public static Optional<Self> parse(String identity) {
        String[] parts = identity == null ? new String[0] : identity.split("-", -1);
        if (parts.length != 5 || !parts[0].matches("[0-9a-f]{1,8}") || !parts[1].matches("[0-9]{1,20}")
                || !parts[4].matches("[0-9a-f]{1,12}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Self(parts[0], parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]),
                    parts[4]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether the JVM {@code identity} names is provably gone (see the class comment); false if it is no identity. */
    public static boolean isProvablyGone(String identity) {
        return parse(identity).map(Self::isProvablyGone).orElse(false);
    }

    /**
     * One identity's parts.
     *
     * @param pidNamespace empty for a name written before namespaces were part of it: taken as this one
     */
    public record Self(String boot, String pidNamespace, long pid, long start, String random) {

        /**
         * Ran in this boot (a known one: where there is no boot id, another host cannot be told
         * from this one) and this pid namespace, and nothing with its pid and start runs now. For
         * what lies in a place other hosts share (a Docker engine).
         */
        public boolean isProvablyGone() {
            return !boot.equals("0") && isSeenFromHere() && !ProcessIdentity.isAlive(pid, start);
        }

        /**
         * Whether its processes can be seen from here: the same boot and pid namespace (a name
         * without one counts as this namespace's). True on a platform without boot ids for every
         * identity of it, so only where the place is this host's alone (the state folder).
         */
        public boolean isSeenFromHere() {
            return boot.equals(ProcessIdentity.boot()) && (pidNamespace.isEmpty() || pidNamespace.equals(PID_NAMESPACE));
        }

        @Override
        public String toString() {
            return boot + "-" + pidNamespace + "-" + pid + "-" + start + "-" + random;
        }
    }

    private static String readPidNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(); // pid:[4026531836]
            String digits = link.replaceAll("[^0-9]", "");
            return digits.isEmpty() ? "0" : digits;
        } catch (IOException | RuntimeException e) {
            return "0";
        }
    }
}
