package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * One backend in the ledger: who started it (the owner JVM's {@link JvmIdentity}) and how to
 * recognise what it left (the environment tag every process of it carries, its pid, start stamp
 * and process group, or its container id). A small properties file, named
 * {@code <owner identity>-<n>.entry} so that a live owner's entries can be skipped without
 * reading them.
 *
 * @param owner      the {@link JvmIdentity} of the JVM that started it (of its own root process,
 *                   once detached)
 * @param pid        the backend's root process, or 0 for a container or a backend not launched yet
 * @param pidStart   its start stamp ({@link ProcessIdentity#startOf(long)}), or 0
 * @param pgid       its own process group, or 0 if it runs in the JVM's group
 * @param tag        the value of {@code MANAGED_BACKEND_OWNER} in its environment, or empty
 * @param dockerHost the engine the container runs on, or empty for the default one
 * @param detached   null for a backend of a running JVM; for one that outlives the JVM that
 *                   started it (the command line's {@code start}), what is needed to find it
 *                   again. Its entry is owned by its own root process (see {@link #detachedName})
 */
record LedgerEntry(String owner, String name, String tag, long pid, long pidStart,
        long pgid, String command, String containerId, String dockerHost, Detached detached) {

    static final String SUFFIX = ".entry";
    /** The last part of a detached backend's entry name: {@code <root process identity>-detached.entry}. */
    static final String DETACHED_SUFFIX = "-detached" + SUFFIX;

    /**
     * A backend started to outlive its starter: where it answers and logs, and since when.
     *
     * @param healthPath the readiness check it was started with ({@code ""}: the port listening)
     */
    record Detached(String url, String healthPath, String logFile, long startedMillis) {
    }

    /** An entry of a backend that lives as long as the JVM that started it. */
    LedgerEntry(String owner, String name, String tag, long pid, long pidStart,
            long pgid, String command, String containerId, String dockerHost) {
        this(owner, name, tag, pid, pidStart, pgid, command, containerId, dockerHost, null);
    }

    /** The name prefix shared by every entry of one owner: {@code <owner identity>-}. */
    static String ownerPrefix(String owner) {
        return owner + "-";
    }

    /**
     * The owner named by an entry's file name, without reading it; empty if it is not an entry.
     * A name of the layout before pid namespaces and the random part ({@code <boot>-<pid>-<start>-<n>})
     * counts as one of this pid namespace.
     */
    static Optional<Owner> ownerOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String stem = name.substring(0, name.length() - SUFFIX.length());
        int last = stem.lastIndexOf('-');
        if (last < 0) {
            return Optional.empty();
        }
        String identity = stem.substring(0, last);
        Optional<JvmIdentity.Self> parsed = JvmIdentity.parse(identity);
        if (parsed.isEmpty()) {
            String[] legacy = identity.split("-");
            if (legacy.length != 3) {
                return Optional.empty();
            }
            try {
                parsed = Optional.of(new JvmIdentity.Self(legacy[0], "", Long.parseLong(legacy[1]),
                        Long.parseLong(legacy[2]), ""));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return parsed.map(Owner::new);
    }

    /**
     * A test JVM (or a detached backend's root) that wrote entries. Dead only if provably so: it
     * ran in this pid namespace and boot and its pid and start no longer run, or it ran in an
     * earlier boot of this host (a state folder is one host's). One of another pid namespace of
     * this boot (a CI job in a container of its own that shares the state folder) is never
     * provably dead from here, so its entries are kept.
     */
    record Owner(JvmIdentity.Self identity) {
        boolean isAlive() {
            if (!identity.boot().equals(ProcessIdentity.boot())) {
                return false;
            }
            return !identity.isSeenFromHere() || ProcessIdentity.isAlive(identity.pid(), identity.start());
        }

        @Override
        public String toString() {
            return "test JVM " + identity.pid();
        }
    }

    /** This entry, reserved before the launch, completed with the process that was launched. */
    LedgerEntry launched(long launchedPid, long launchedStart, long launchedGroup) {
        return new LedgerEntry(owner, name, tag, launchedPid, launchedStart, launchedGroup, command,
                containerId, dockerHost, detached);
    }

    /**
     * This entry of a launched process, handed over to the process itself: its owner is now its
     * own root (pid and start stamp), so no sweep touches it while that runs, and once it is gone
     * the sweep finds what is left of it by its tag, as for a dead JVM.
     */
    LedgerEntry detach(Detached where) {
        return new LedgerEntry(JvmIdentity.ofProcess(pid, pidStart), name, tag, pid, pidStart, pgid, command, containerId, dockerHost,
                where);
    }

    /** The file name of a detached entry: owned by the backend's root process, one per backend. */
    String detachedName() {
        return ownerPrefix(owner) + DETACHED_SUFFIX.substring(1);
    }

    /** Whether a file name is that of a detached backend's entry, by its name alone. */
    static boolean isDetachedName(Path file) {
        return file.getFileName().toString().endsWith(DETACHED_SUFFIX) && ownerOf(file).isPresent();
    }

    boolean isContainer() {
        return !containerId.isEmpty();
    }

    /**
     * In {@link Properties} syntax, written by hand: {@link Properties#store} would load the date
     * and calendar classes for its header, milliseconds on the first backend start of a JVM.
     */
    String format() {
        StringBuilder out = new StringBuilder(detached == null
                ? "# managed-backend: a backend of a test JVM; removed when it stops\n"
                : "# managed-backend: a backend started to outlive its starter (managed-backend start); removed when it stops\n");
        line(out, "owner", owner);
        line(out, "name", name);
        line(out, "tag", tag);
        line(out, "pid", Long.toString(pid));
        line(out, "pid.start", Long.toString(pidStart));
        line(out, "pgid", Long.toString(pgid));
        line(out, "command", command);
        line(out, "container", containerId);
        line(out, "dockerHost", dockerHost);
        if (detached != null) {
            line(out, "detached", "true");
            line(out, "url", detached.url());
            line(out, "healthPath", detached.healthPath());
            line(out, "log", detached.logFile());
            line(out, "started", Long.toString(detached.startedMillis()));
        }
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
            Detached detached = !"true".equals(p.getProperty("detached")) ? null : new Detached(
                    p.getProperty("url", ""), p.getProperty("healthPath", ""), p.getProperty("log", ""),
                    Long.parseLong(p.getProperty("started", "0")));
            return new LedgerEntry(p.getProperty("owner", ""), p.getProperty("name", ""),
                    p.getProperty("tag", ""), Long.parseLong(p.getProperty("pid", "0")),
                    Long.parseLong(p.getProperty("pid.start", "0")), Long.parseLong(p.getProperty("pgid", "0")),
                    p.getProperty("command", ""), p.getProperty("container", ""), p.getProperty("dockerHost", ""),
                    detached);
        } catch (NumberFormatException e) {
            throw new IOException("not a ledger entry: " + e.getMessage(), e);
        }
    }

    /** For log lines. */
    String describe() {
        if (detached != null) {
            return "detached backend '" + name + "' (pid " + pid + ", " + command + ")";
        }
        return "backend '" + name + "' of test JVM " + JvmIdentity.parse(owner).map(o -> Long.toString(o.pid()))
                .orElse(owner)
                + (isContainer() ? " (container " + (containerId.startsWith(ContainerRemover.LABEL_PREFIX) ? containerId
                        : containerId.substring(0, Math.min(12, containerId.length()))) + ")"
                        : " (pid " + pid + ", " + command + ")");
    }
}
