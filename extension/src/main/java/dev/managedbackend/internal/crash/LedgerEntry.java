package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * One backend in the ledger: who started it (owner JVM pid and start stamp, boot) and how to
 * recognise what it left (the environment tag every process of it carries, its pid, start stamp
 * and process group, or its container id). A small properties file, named
 * {@code <boot>-<owner pid>-<owner start>-<n>.entry} so that a live owner's entries can be
 * skipped without reading them.
 *
 * @param pid        the backend's root process, or 0 for a container or a backend not launched yet
 * @param pidStart   its start stamp ({@link ProcessIdentity#startOf(long)}), or 0
 * @param pgid       its own process group, or 0 if it runs in the JVM's group
 * @param tag        the value of {@code MANAGED_BACKEND_OWNER} in its environment, or empty
 * @param dockerHost the engine the container runs on, or empty for the default one
 */
record LedgerEntry(String boot, long ownerPid, long ownerStart, String name, String tag, long pid, long pidStart,
        long pgid, String command, String containerId, String dockerHost) {

    static final String SUFFIX = ".entry";

    /** The name prefix shared by every entry of one owner: {@code <boot>-<pid>-<start>-}. */
    static String ownerPrefix(String boot, long ownerPid, long ownerStart) {
        return boot + "-" + ownerPid + "-" + ownerStart + "-";
    }

    /** The owner named by an entry's file name, without reading it; empty if it is not an entry. */
    static Optional<Owner> ownerOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String[] parts = name.substring(0, name.length() - SUFFIX.length()).split("-");
        if (parts.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A test JVM that wrote entries: alive only if it is this boot, its pid runs, and started when recorded. */
    record Owner(String boot, long pid, long start) {
        boolean isAlive() {
            return boot.equals(ProcessIdentity.boot()) && ProcessIdentity.isAlive(pid, start);
        }

        @Override
        public String toString() {
            return "test JVM " + pid;
        }
    }

    /** This entry, reserved before the launch, completed with the process that was launched. */
    LedgerEntry launched(long launchedPid, long launchedStart, long launchedGroup) {
        return new LedgerEntry(boot, ownerPid, ownerStart, name, tag, launchedPid, launchedStart, launchedGroup, command,
                containerId, dockerHost);
    }

    boolean isContainer() {
        return !containerId.isEmpty();
    }

    /**
     * In {@link Properties} syntax, written by hand: {@link Properties#store} would load the date
     * and calendar classes for its header, milliseconds on the first backend start of a JVM.
     */
    String format() {
        StringBuilder out = new StringBuilder("# managed-backend: a backend of a test JVM; removed when it stops\n");
        line(out, "boot", boot);
        line(out, "owner.pid", Long.toString(ownerPid));
        line(out, "owner.start", Long.toString(ownerStart));
        line(out, "name", name);
        line(out, "tag", tag);
        line(out, "pid", Long.toString(pid));
        line(out, "pid.start", Long.toString(pidStart));
        line(out, "pgid", Long.toString(pgid));
        line(out, "command", command);
        line(out, "container", containerId);
        line(out, "dockerHost", dockerHost);
        return out.toString();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\f' -> out.append("\\f");
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> out.append(c);
            }
        }
        out.append('\n');
    }

    static LedgerEntry parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        try {
            return new LedgerEntry(p.getProperty("boot", ""), Long.parseLong(p.getProperty("owner.pid", "0")),
                    Long.parseLong(p.getProperty("owner.start", "0")), p.getProperty("name", ""),
                    p.getProperty("tag", ""), Long.parseLong(p.getProperty("pid", "0")),
                    Long.parseLong(p.getProperty("pid.start", "0")), Long.parseLong(p.getProperty("pgid", "0")),
                    p.getProperty("command", ""), p.getProperty("container", ""), p.getProperty("dockerHost", ""));
        } catch (NumberFormatException e) {
            throw new IOException("not a ledger entry: " + e.getMessage(), e);
        }
    }

    /** For log lines. */
    String describe() {
        return "backend '" + name + "' of test JVM " + ownerPid
                + (isContainer() ? " (container " + (containerId.startsWith(ContainerRemover.LABEL_PREFIX) ? containerId
                        : containerId.substring(0, Math.min(12, containerId.length()))) + ")"
                        : " (pid " + pid + ", " + command + ")");
    }
}
