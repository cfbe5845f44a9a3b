package dev.managedbackend.internal.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.managedbackend.internal.os.HostFacts;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * The watchdog script on its own, fed its commands by the test and then EOF, as when its JVM
 * dies: it signals only what carries the tag, and leaves alone, and reports, a registered
 * process group whose leader does not carry it or whose environment it cannot read. Where
 * noted, each runs twice: reading {@code /proc}, and as on macOS, through {@code ps}
 * ({@code MANAGED_BACKEND_PORTABLE=1}).
 */
@EnabledIf("hasSetsid")
class WatchdogTagTests {

    private static final String SETSID = "/usr/bin/setsid";
    private static final String ENTRIES = "watchdog-tag-test-";

    /** A tag no real JVM has: pid and start stamp made up. */
    private final String tag = OwnerTag.VARIABLE + "=" + (4_000_000 + ThreadLocalRandom.current()
            .nextInt(1_000_000)) + ":1:";
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path temp;

    static boolean hasSetsid() {
        return Files.isExecutable(Path.of(SETSID)) && Files.isExecutable(Path.of("/bin/sh"));
    }

    static boolean rootWithSetpriv() {
        return hasSetsid() && "root".equals(System.getProperty("user.name"))
                && Files.isExecutable(Path.of("/usr/bin/setpriv"));
    }

    @AfterEach
    void killStarted() {
        started.forEach(Process::destroyForcibly);
    }

    @ParameterizedTest(name = "seen through {0}")
    @ValueSource(strings = {"/proc", "ps"})
    void aRegisteredGroupWhoseLeaderDoesNotCarryTheTagIsLeftAloneAndReported(String seenThrough) throws Exception {
        Process ours = sleepInOwnGroup(tag + "backend");
        Process reused = sleepInOwnGroup(null); // stands for a pid reused by someone else's program
        Path ledger = Files.createDirectories(temp.resolve("ledger"));
        Path entry = Files.writeString(ledger.resolve(ENTRIES + "1.entry"), "pid=" + ours.pid() + "\n");
        Path log = temp.resolve("watchdog.log");

        Process watchdog = watchdog(seenThrough, List.of(), log, WatchdogLink.command("add", Long.toString(ours.pid())),
                WatchdogLink.command("add", Long.toString(reused.pid())), WatchdogLink.command("ledger", ledger.toString()));

        assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String report = Files.readString(log);
        assertThat(watchdog.exitValue()).describedAs(report).isZero();
        assertThat(ours.waitFor(5, TimeUnit.SECONDS)).describedAs("the tagged backend got SIGTERM").isTrue();
        assertThat(reused.isAlive()).describedAs("the untagged group leader").isTrue();
        assertThat(report).contains("SIGTERM to process groups " + ours.pid() + " ",
                "left process group " + reused.pid() + " alone: no member carries the tag");
        assertThat(entry).describedAs("its backend is gone: honoured").doesNotExist();
        assertThat(report).contains("(processes seen through " + (seenThrough.equals("ps") ? "ps" : "proc") + ")");
    }

    /**
     * A process whose arguments hold the tag, but whose environment does not (a {@code grep} for
     * it, say), is not ours; with {@code ps}, which shows arguments and environment on one line,
     * the arguments are taken off before the tag is looked for. Its daemonised child, which left
     * the group, is found by its tag alone.
     */
    @ParameterizedTest(name = "seen through {0}")
    @ValueSource(strings = {"/proc", "ps"})
    void theTagInAProcesssArgumentsIsNoTagAndADaemonisedChildIsFoundByItsTag(String seenThrough) throws Exception {
        Process mention = start(new ProcessBuilder(SETSID, "sh", "-c", "sleep 300; : \" $1\"", "sh", tag + "backend"),
                null);
        Process daemonised = start(new ProcessBuilder(SETSID, "sh", "-c", "setsid sleep 300 & wait"), tag + "backend");
        Path log = temp.resolve("watchdog.log");

        Process watchdog = watchdog(seenThrough, List.of(), log,
                WatchdogLink.command("add", Long.toString(daemonised.pid())));

        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String report = Files.readString(log);
        assertThat(watchdog.exitValue()).describedAs(report).isZero();
        assertThat(daemonised.waitFor(5, TimeUnit.SECONDS)).describedAs("the tagged group, SIGTERM; log:%n%s", report)
                .isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> taggedSleeps().isEmpty());
        assertThat(mention.isAlive()).describedAs("the process that only names the tag; log:%n%s", report).isTrue();
    }

    /** The live {@code sleep} processes whose environment carries the tag (read from /proc: the test's view). */
    private List<Long> taggedSleeps() throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    return stat.contains("(sleep) ") && !stat.contains(") Z ")
                            && new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.ISO_8859_1)
                                    .contains(tag);
                } catch (IOException e) {
                    return false; // gone meanwhile
                }
            }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
        }
    }

    /**
     * The watchdog runs as {@code nobody} here, the registered group's leader as root: its
     * environment cannot be read, so it cannot be proven ours. Not signalled, reported, and the
     * process entries stay for the next sweep.
     */
    @Test
    @EnabledIf("rootWithSetpriv")
    void aProcessWhoseEnvironmentCannotBeReadIsLeftAloneAndReported() throws Exception {
        Process unreadable = sleepInOwnGroup(tag + "backend");
        Path shared = Files.createTempDirectory(Path.of("/tmp"), "watchdog-nobody-");
        try {
            Path ledger = Files.createDirectories(shared.resolve("ledger"));
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path entry = Files.writeString(ledger.resolve(ENTRIES + "1.entry"), "pid=" + unreadable.pid() + "\n");
            // the watchdog writes its log only in a folder of its own user's
            Path logs = Files.createDirectories(shared.resolve("logs"));
            Files.setOwner(logs, logs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            Path log = logs.resolve("watchdog.log");

            Process watchdog = watchdog("/proc", List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    log, WatchdogLink.command("add", Long.toString(unreadable.pid())),
                    WatchdogLink.command("ledger", ledger.toString()));

            assertThat(watchdog.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String report = Files.readString(log);
            assertThat(watchdog.exitValue()).describedAs(report).isEqualTo(1);
            assertThat(report).contains("left alone, as their environment cannot be read (they are not provably "
                    + "this JVM's): processes " + unreadable.pid() + " ", "kept these ledger entries for the next sweep:",
                    entry + ": processes left:");
            assertThat(entry).exists();
            // not signalled: still running well after the watchdog ended
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(unreadable::isAlive);
        } finally {
            try (Stream<Path> files = Files.walk(shared)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /** {@code sleep 300} leading a process group of its own, with {@code ownerValue} as its tag (none if null). */
    private Process sleepInOwnGroup(String ownerValue) throws IOException {
        return start(new ProcessBuilder(SETSID, "sleep", "300"), ownerValue);
    }

    /** Starts {@code builder}'s command, which leads a process group of its own, with {@code ownerValue} as its tag. */
    private Process start(ProcessBuilder builder, String ownerValue) throws IOException {
        builder.environment().remove(OwnerTag.VARIABLE);
        if (ownerValue != null) {
            builder.environment().put(OwnerTag.VARIABLE, ownerValue.substring(
                    OwnerTag.VARIABLE.length() + 1));
        }
        Process process = builder.start();
        started.add(process);
        await().atMost(Duration.ofSeconds(60)).until(() -> isGroupLeader(process.pid()));
        return process;
    }

    private static boolean isGroupLeader(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        return fields[2].equals(Long.toString(pid)) && (stat.contains("(sleep)") || stat.contains("(sh)"));
    }

    /**
     * Runs the watchdog script (behind {@code wrapper}), seeing processes through {@code /proc} or
     * {@code ps}, sends {@code commands}, then EOF.
     */
    private Process watchdog(String seenThrough, List<String> wrapper, Path log, String... commands) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("/bin/sh", "-c", Watchdog.script(), Watchdog.NAME, WatchdogLink.hex(tag),
                WatchdogLink.hex(ENTRIES), WatchdogLink.hex(log.toString())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(temp.resolve("watchdog.out").toFile());
        builder.environment().remove(HostFacts.PORTABLE_VARIABLE);
        if (seenThrough.equals("ps")) {
            builder.environment().put(HostFacts.PORTABLE_VARIABLE, "1");
        }
        Process watchdog = builder.start();
        started.add(watchdog);
        try (OutputStream in = watchdog.getOutputStream()) {
            for (String line : commands) {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return watchdog;
    }
}
