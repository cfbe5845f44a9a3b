package dev.managedbackend.internal.reuse;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;

import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PrivateFiles;

/**
 * A reused backend as the run that started it recorded it, for the runs after it: who it is (its
 * reuse identity and tag, root process and start stamp, process group), where it answers, what
 * it runs (its fingerprint) and who keeps it.
 *
 * @param id        its reuse identity, {@code reuse-<random>}: an owner of its own, not of any JVM
 * @param tag       the {@code MANAGED_BACKEND_OWNER} value its processes carry, {@code <id>:<name>}
 * @param fingerprint {@link Fingerprint#hash()} of what it runs
 */
public record ReuseRecord(String id, String name, String tag, long pid, long pidStart, long pgid, String host,
        int port, String url, String healthPath, String fingerprint, long startedMillis, long idleSeconds, Path logFile,
        long keeperPid, long keeperStart) {

    /** A new reuse identity: random, so that no two backends and no JVM share it. */
    public static String newId() {
        return OwnerTag.REUSE_PREFIX + PrivateFiles.randomToken();
    }

    String format() {
        Properties p = new Properties();
        p.setProperty("id", id);
        p.setProperty("name", name);
        p.setProperty("tag", tag);
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("pid.start", Long.toString(pidStart));
        p.setProperty("pgid", Long.toString(pgid));
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("url", url);
        p.setProperty("healthPath", healthPath);
        p.setProperty("fingerprint", fingerprint);
        p.setProperty("started", Long.toString(startedMillis));
        p.setProperty("idleSeconds", Long.toString(idleSeconds));
        p.setProperty("log", logFile.toString());
        p.setProperty("keeper", Long.toString(keeperPid));
        p.setProperty("keeper.start", Long.toString(keeperStart));
        StringBuilder out = new StringBuilder("# managed-backend: a backend kept for the next run (managedbackend.reuse)\n");
        p.stringPropertyNames().stream().sorted().forEach(key -> out.append(key).append('=')
                .append(escape(p.getProperty(key))).append('\n'));
        return out.toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    static ReuseRecord parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        try {
            return new ReuseRecord(p.getProperty("id", ""), p.getProperty("name", ""), p.getProperty("tag", ""),
                    Long.parseLong(p.getProperty("pid", "0")), Long.parseLong(p.getProperty("pid.start", "0")),
                    Long.parseLong(p.getProperty("pgid", "0")), p.getProperty("host", ""),
                    Integer.parseInt(p.getProperty("port", "0")), p.getProperty("url", ""), p.getProperty("healthPath", ""),
                    p.getProperty("fingerprint", ""), Long.parseLong(p.getProperty("started", "0")),
                    Long.parseLong(p.getProperty("idleSeconds", "0")), Path.of(p.getProperty("log", "")),
                    Long.parseLong(p.getProperty("keeper", "0")), Long.parseLong(p.getProperty("keeper.start", "0")));
        } catch (RuntimeException e) {
            throw new IOException("not a reuse record: " + e.getMessage(), e);
        }
    }
}
