package dev.managedbackend.internal.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two Linux-only facts the process layer chooses its mechanisms by, read once: whether there
 * is a Linux {@code /proc}, and where util-linux {@code setsid} is. Where either is missing
 * (macOS), the portable path runs: OSHI and POSIX {@code ps} instead of {@code /proc}, a
 * {@code setsid()} by an interpreter instead of util-linux.
 *
 * <p>For maintainers only: {@value #PORTABLE_PROPERTY}{@code =true} or
 * {@value #PORTABLE_VARIABLE}{@code =1} hides both facts, so that this machine runs the very code
 * a Mac runs (CI does so, see the contributing page). The watchdog gets the variable too.
 */
public final class HostFacts {

    /** The maintainers' switch, as a system property. */
    public static final String PORTABLE_PROPERTY = "managedbackend.internal.portable";
    /** The maintainers' switch, as an environment variable (which the watchdog script reads too). */
    public static final String PORTABLE_VARIABLE = "MANAGED_BACKEND_PORTABLE";

    private static final boolean PORTABLE = Boolean.getBoolean(PORTABLE_PROPERTY)
            || "1".equals(System.getenv(PORTABLE_VARIABLE));
    private static final boolean PROC = !PORTABLE && Files.isReadable(Path.of("/proc/self/stat"));
    private static final Optional<String> SETSID = PORTABLE ? Optional.empty() : findSetsid();

    private HostFacts() {
    }

    /** Whether the maintainers' switch is on. */
    public static boolean portableSwitch() {
        return PORTABLE;
    }

    /** Whether this platform has a Linux-style {@code /proc} (and the switch does not hide it). */
    public static boolean hasProc() {
        return PROC;
    }

    /** util-linux {@code setsid}, where this machine has it (and the switch does not hide it). */
    public static Optional<String> utilLinuxSetsid() {
        return SETSID;
    }

    /** Whether processes can fork (every POSIX system; not Windows). */
    public static boolean hasFork() {
        return !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static Optional<String> findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
