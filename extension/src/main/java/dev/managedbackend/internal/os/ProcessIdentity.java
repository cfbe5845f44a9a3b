package dev.managedbackend.internal.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;


/**
 * What makes a process this process and not a later one that got the same pid: its start time,
 * and on Linux the boot it belongs to. Read from {@code /proc} by hand (a file read, well under a
 * millisecond), so that telling a live owner from a dead one never needs OSHI or a scan of the
 * process table.
 *
 * <p>On Linux the start is the kernel's own number, clock ticks since boot (field 22 of
 * {@code /proc/<pid>/stat}): exact, and unlike a wall-clock start time it does not move when
 * the clock is adjusted. Elsewhere it is {@link ProcessHandle.Info#startInstant()} in
 * milliseconds. Stamps are only ever compared with stamps taken the same way on the same host.
 */
public final class ProcessIdentity {

    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = HostFacts.hasProc();
    private static final String BOOT_ID = readFullBootId();
    private static final String BOOT = BOOT_ID.length() >= 8 ? BOOT_ID.substring(0, 8) : "0";
    private static final long SELF_PID = ProcessHandle.current().pid();
    private static final long SELF_START = HAS_PROC ? startOf(SELF_PID).orElse(0)
            : ProcessHandle.current().info().startInstant().map(start -> start.toEpochMilli()).orElse(0L);

    private ProcessIdentity() {
    }

    /** Whether this platform has a Linux-style {@code /proc}. */
    public static boolean hasProc() {
        return HAS_PROC;
    }

    /**
     * This host's boot, in full: the kernel's random boot id (128 bits, new at every boot, so
     * unique across hosts and reboots), or empty where there is none (macOS, Windows).
     */
    public static String bootId() {
        return BOOT_ID;
    }

    /** This boot: 8 hex digits of the kernel's boot id, or {@code "0"} where there is none. */
    public static String boot() {
        return BOOT;
    }

    public static long selfPid() {
        return SELF_PID;
    }

    public static long selfStart() {
        return SELF_START;
    }

    /** The start stamp of {@code pid}; empty if it is gone (or a zombie). */
    public static OptionalLong startOf(long pid) {
        if (HAS_PROC) {
            Optional<String[]> stat = stat(pid);
            if (stat.isEmpty() || isDead(stat.get())) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(Long.parseLong(stat.get()[19])); // field 22 counted after "(comm)"
        }
        return ProcessHandle.of(pid).filter(ProcessIdentity::isRunning)
                .flatMap(handle -> handle.info().startInstant())
                .map(start -> OptionalLong.of(start.toEpochMilli()))
                .orElse(OptionalLong.empty());
    }

    /**
     * Whether {@code handle}'s process still runs. Unlike {@link ProcessHandle#isAlive()} a zombie
     * counts as gone: where nothing reaps orphans (a container whose pid 1 is not an init), a
     * killed process that was re-parented stays a zombie for good, but it runs no code and holds
     * no port.
     */
    public static boolean isRunning(ProcessHandle handle) {
        if (!HAS_PROC) {
            return handle.isAlive() && !OshiProcessTable.shared().isZombie(handle.pid());
        }
        return handle.isAlive() && startOf(handle.pid()).isPresent();
    }

    /** Whether {@code pid} runs now and is the process that started at {@code start}. */
    public static boolean isAlive(long pid, long start) {
        OptionalLong actual = startOf(pid);
        return actual.isPresent() && actual.getAsLong() == start;
    }

    /**
     * The process group of {@code pid} (Linux), or empty. A zombie counts as gone: it runs no
     * code and holds no port.
     */
    public static OptionalLong groupOf(long pid) {
        Optional<String[]> stat = stat(pid);
        if (stat.isEmpty() || isDead(stat.get())) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(stat.get()[2]));
    }

    /**
     * Whether {@code pid}'s environment holds exactly {@code MANAGED_BACKEND_OWNER=<tag>}: the mark
     * every process a backend starts inherits. Only readable for our own user's processes (and
     * empty for zombies), so another user's process can never match. Read from {@code /proc}, or
     * through OSHI where there is none (macOS: {@code sysctl KERN_PROCARGS2}).
     */
    public static boolean carriesTag(long pid, String tag) {
        if (!HAS_PROC) {
            return OshiProcessTable.shared().tagOf(pid).filter(tag::equals).isPresent();
        }
        try {
            byte[] environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            String entry = OwnerTag.VARIABLE + "=" + tag;
            String all = new String(environ, StandardCharsets.ISO_8859_1);
            String wanted = new String(entry.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            return (all.startsWith(wanted + "\0") || all.contains("\0" + wanted + "\0"));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The fields of {@code /proc/<pid>/stat} after {@code "(comm)"}: [0] state, [1] ppid, [2] pgrp, ... */
    private static Optional<String[]> stat(long pid) {
        if (!HAS_PROC) {
            return Optional.empty();
        }
        try {
            String text = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")),
                    StandardCharsets.ISO_8859_1);
            int afterName = text.lastIndexOf(')');
            return Optional.of(text.substring(afterName + 2).trim().split(" "));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isDead(String[] stat) {
        return stat[0].equals("Z") || stat[0].equals("X");
    }

    private static String readFullBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).replace("-", "").trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
