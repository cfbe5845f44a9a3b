package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the command line's log folder ({@code <state folder>/logs}) from growing without end:
 * after {@code start} and {@code stop}, the logs of backends that no longer run are deleted when
 * empty (a start that failed before its first line), when older than
 * {@value #DAYS_PROPERTY} days (default {@value #DEFAULT_DAYS}), or beyond the newest
 * {@value #COUNT_PROPERTY} (default {@value #DEFAULT_COUNT}). A log that any process still has
 * open (a running backend's, a {@code run}'s, a test JVM's) is never touched; where that cannot
 * be seen ({@code /proc} missing), nothing is deleted.
 */
final class LogRetention {

    static final String DAYS_PROPERTY = "managedbackend.logRetentionDays";
    static final String COUNT_PROPERTY = "managedbackend.logRetentionCount";
    static final int DEFAULT_DAYS = 7;
    static final int DEFAULT_COUNT = 20;

    private LogRetention() {
    }

    /** Deletes what the rules above say in {@code logs}; returns how many files it deleted. */
    static int prune(Path logs) {
        if (!Files.isDirectory(logs) || !Files.isDirectory(Path.of("/proc/self/fd"))) {
            return 0;
        }
        int days = setting(DAYS_PROPERTY, DEFAULT_DAYS);
        int count = setting(COUNT_PROPERTY, DEFAULT_COUNT);
        List<Path> closed = new ArrayList<>();
        Set<Path> open = openFiles();
        if (open == null) {
            return 0; // cannot tell which logs are in use: keep them all
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(logs, "*.log")) {
            for (Path file : files) {
                if (Files.isRegularFile(file) && !open.contains(file.toAbsolutePath().normalize())) {
                    closed.add(file);
                }
            }
        } catch (IOException e) {
            return 0; // the next start or stop tries again
        }
        closed.sort(Comparator.comparing(LogRetention::modified).reversed());
        Instant cutoff = Instant.now().minus(Duration.ofDays(days));
        int deleted = 0;
        for (int i = 0; i < closed.size(); i++) {
            Path file = closed.get(i);
            if (i >= count || modified(file).isBefore(cutoff) || size(file) == 0) {
                try {
                    deleted += Files.deleteIfExists(file) ? 1 : 0;
                } catch (IOException e) {
                    // another user's, or gone: left as it is
                }
            }
        }
        return deleted;
    }

    private static int setting(String key, int fallback) {
        String value = System.getProperty(key);
        try {
            return value == null ? fallback : Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            throw new ManagedBackendCli.Failure("-D" + key + "=" + value + " is not a whole number; give e.g. -D" + key
                    + "=" + fallback + " (in MANAGED_BACKEND_JAVA_OPTS)");
        }
    }

    /** Every file that a process this user can see has open (its /proc/PID/fd links); null if unknown. */
    private static Set<Path> openFiles() {
        Set<Path> open = new HashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            open.add(Files.readSymbolicLink(fd));
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process, or it exited
                }
            }
        } catch (IOException e) {
            return null;
        }
        return open;
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
