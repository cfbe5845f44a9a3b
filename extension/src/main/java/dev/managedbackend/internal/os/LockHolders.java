package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who holds a lock on a file, for the message of a lock that was not granted in time: the
 * kernel's table of locks ({@code /proc/locks}, Linux) names the holding pid and the file's inode;
 * where that table is missing, the file's owner is all there is to say.
 */
public final class LockHolders {

    private static final Path TABLE = Path.of("/proc/locks");
    private static final int COMMAND_CHARS = 200;
    /**
     * A Java class path says little and is long: it is left out, so that the main class shows.
     * Argument separators and line breaks become spaces, so the message stays one line.
     */
    private static final Pattern CLASS_PATH = Pattern.compile("(-cp|-classpath|--class-path) \\S+");

    private LockHolders() {
    }

    /** E.g. "pid 4242 (uid 1000: java -jar managed-backend-cli.jar start ...)"; never empty. */
    public static String describe(Path file, long position, long length) {
        Set<Long> pids = holders(file, position, length);
        if (pids.isEmpty()) {
            return "a process that could not be found (the file belongs to "
                    + PrivateFolder.ownerProblem(file).map(p -> "another user: it " + p).orElse("you") + ")";
        }
        List<String> described = new ArrayList<>();
        for (long pid : pids) {
            described.add("pid " + pid + " (" + process(pid) + ")");
        }
        return String.join(", ", described);
    }

    /** The pids that hold a lock overlapping {@code position..position+length-1} of {@code file}. */
    static Set<Long> holders(Path file, long position, long length) {
        Set<Long> pids = new LinkedHashSet<>();
        try {
            long inode = ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
            for (String line : Files.readAllLines(TABLE, StandardCharsets.US_ASCII)) {
                // "12: POSIX  ADVISORY  WRITE 4242 fe:00:2154502 100 100"; a waiter's line has "->"
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 8 || line.contains("->")) {
                    continue;
                }
                String[] device = fields[5].split(":");
                if (device.length != 3 || Long.parseLong(device[2]) != inode) {
                    continue;
                }
                long start = Long.parseLong(fields[6]);
                long end = "EOF".equals(fields[7]) ? Long.MAX_VALUE : Long.parseLong(fields[7]);
                if (start <= position + length - 1 && end >= position) {
                    pids.add(Long.parseLong(fields[4]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no table (not Linux), or the file is gone: nothing to name
        }
        return pids;
    }

    private static String process(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            int uid = (Integer) Files.getAttribute(proc, "unix:uid");
            String command = CLASS_PATH.matcher(new String(Files.readAllBytes(proc.resolve("cmdline")),
                    StandardCharsets.UTF_8).replaceAll("[\\x00-\\x1f]+", " ").strip()).replaceAll("$1 ...");
            if (command.length() > COMMAND_CHARS) {
                command = command.substring(0, COMMAND_CHARS) + "...";
            }
            return "uid " + uid + ": " + command;
        } catch (IOException | RuntimeException e) {
            return "its details cannot be read: " + e.getMessage();
        }
    }
}
