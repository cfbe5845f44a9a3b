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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.internal.os.OwnerTag;

/**
 * What the JVM sends the watchdog is data, never syntax: a ledger folder whose path holds a
 * newline and a command, or glob characters, is that folder and nothing else; where it cannot see
 * processes ({@code /proc} missing) it leaves their entries to the next sweep; its log is created
 * new, never through a link. The script runs on its own here, fed as {@link CrashGuard} feeds it
 * (through {@link WatchdogLink#command}), with a {@code docker} on its PATH that only records
 * that it ran.
 */
@EnabledIf("dev.managedbackend.internal.crash.WatchdogTagTests#hasSetsid")
class WatchdogInputTests {

    private static final String ENTRIES = "watchdog-input-test-";

    /** A tag no real JVM has. */
    private final String tag = OwnerTag.VARIABLE + "=input-test-" + ThreadLocalRandom.current().nextInt(1_000_000) + ":";
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path temp;

    @AfterEach
    void killStarted() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void aLedgerPathHoldingANewlineAndACommandIsAPathNeverACommand() throws Exception {
        Process backend = tagged();
        Path ledger = Files.createDirectories(temp.resolve("state\ncontainer 0123456789ab -\nx").resolve("ledger"));
        Path entry = Files.writeString(ledger.resolve(ENTRIES + "1.entry"), "pid=" + backend.pid() + "\n");
        Path log = logFolder().resolve("watchdog.log");

        Process watchdog = watchdog(Map.of(), log, WatchdogLink.command("add", Long.toString(backend.pid())),
                WatchdogLink.command("ledger", ledger.toString()));

        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String report = Files.readString(log);
        assertThat(temp.resolve("docker-ran")).describedAs("docker run by the watchdog; its log:%n%s", report)
                .doesNotExist();
        assertThat(backend.waitFor(5, TimeUnit.SECONDS)).describedAs("the tagged backend, stopped").isTrue();
        assertThat(entry).describedAs("its entry, in the folder whose path holds the newline: honoured").doesNotExist();
        assertThat(watchdog.exitValue()).describedAs(report).isZero();
    }

    @Test
    void aLedgerPathWithGlobCharactersNamesThatFolderOnly() throws Exception {
        Process backend = tagged();
        Path ledger = Files.createDirectories(temp.resolve("led*").resolve("ledger"));
        Path entry = Files.writeString(ledger.resolve(ENTRIES + "1.entry"), "pid=" + backend.pid() + "\n");
        // what led* would match if it were a pattern: another folder's entry of the same name
        Path other = Files.createDirectories(temp.resolve("ledger-of-someone-else").resolve("ledger"));
        Path otherEntry = Files.writeString(other.resolve(ENTRIES + "1.entry"), "pid=1\n");
        Path log = logFolder().resolve("watchdog.log");

        Process watchdog = watchdog(Map.of(), log, WatchdogLink.command("add", Long.toString(backend.pid())),
                WatchdogLink.command("ledger", ledger.toString()));

        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(entry).describedAs(Files.readString(log)).doesNotExist();
        assertThat(otherEntry).describedAs("an entry of a folder the path would match as a glob").exists();
    }

    /**
     * Where there is no {@code /proc} (pointed at an empty folder by the maintainers' switch) and
     * no {@code ps} that works (one that fails stands first on the PATH), no process can be seen:
     * none is signalled, and their entries stay for the next sweep.
     */
    @Test
    void withoutProcNorPsNoProcessEntryIsDeleted() throws Exception {
        Process backend = tagged();
        Path ps = Files.createDirectories(temp.resolve("bin")).resolve("ps");
        Files.writeString(ps, "#!/bin/sh\necho 'ps: not here' >&2\nexit 1\n");
        Files.setPosixFilePermissions(ps, PosixFilePermissions.fromString("rwx------"));
        Path ledger = Files.createDirectories(temp.resolve("state").resolve("ledger"));
        Path entry = Files.writeString(ledger.resolve(ENTRIES + "1.entry"), "pid=" + backend.pid() + "\n");
        Path log = logFolder().resolve("watchdog.log");
        Path noProc = Files.createDirectories(temp.resolve("no-proc"));

        Process watchdog = watchdog(Map.of("MANAGED_BACKEND_WATCHDOG_PROC", noProc.toString()), log,
                WatchdogLink.command("add", Long.toString(backend.pid())), WatchdogLink.command("ledger", ledger.toString()));

        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String report = Files.readString(log);
        assertThat(entry).describedAs("the process entry, where processes cannot be seen; log:%n%s", report).exists();
        assertThat(report).contains("cannot see processes here (no " + noProc + ")",
                entry + ": processes cannot be seen here");
        assertThat(watchdog.exitValue()).isEqualTo(1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(backend::isAlive);
    }

    /** A link planted where the log goes: the watchdog writes a new file beside it, never through the link. */
    @Test
    void theLogIsCreatedNewNeverThroughALink() throws Exception {
        Process backend = tagged();
        Path precious = Files.writeString(temp.resolve("precious"), "not the watchdog's\n");
        Path log = logFolder().resolve("watchdog.log");
        Files.createSymbolicLink(log, precious);

        Process watchdog = watchdog(Map.of(), log, WatchdogLink.command("add", Long.toString(backend.pid())));

        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(precious).hasContent("not the watchdog's");
        Path instead = log.resolveSibling("watchdog-" + watchdog.pid() + ".log");
        assertThat(instead).describedAs("the log, under a new name").exists();
        assertThat(Files.readString(instead)).contains("the JVM is gone");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(instead))).isEqualTo("rw-------");
    }

    /** A log folder that is a link (or not this user's) gets nothing: the watchdog reports nowhere. */
    @Test
    void noLogInAFolderThatIsALink() throws Exception {
        Process backend = tagged();
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
        Path linked = Files.createSymbolicLink(temp.resolve("logs-link"), elsewhere);

        Process watchdog = watchdog(Map.of(), linked.resolve("watchdog.log"),
                WatchdogLink.command("add", Long.toString(backend.pid())));

        assertThat(watchdog.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(backend.waitFor(5, TimeUnit.SECONDS)).describedAs("the backend, stopped all the same").isTrue();
        try (var files = Files.list(elsewhere)) {
            assertThat(files.toList()).describedAs("files written through the linked folder").isEmpty();
        }
    }

    /** A private log folder, as CrashGuard makes it. */
    private Path logFolder() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("logs"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    /** {@code sleep 300} leading a process group of its own, carrying the tag. */
    private Process tagged() throws IOException {
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/setsid", "sleep", "300");
        builder.environment().put(OwnerTag.VARIABLE, tag.substring(OwnerTag.VARIABLE.length() + 1) + "backend");
        Process process = builder.start();
        started.add(process);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(Path.of("/proc/" + process.pid() + "/stat"))
                .contains("(sleep)"));
        return process;
    }

    /**
     * Runs the watchdog script with a {@code docker} on its PATH that records that it ran, sends
     * {@code commands}, then EOF.
     */
    private Process watchdog(Map<String, String> env, Path log, String... commands) throws IOException {
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Path docker = bin.resolve("docker");
        if (!Files.exists(docker)) {
            Files.writeString(docker, "#!/bin/sh\necho \"$@\" >>'" + temp.resolve("docker-ran") + "'\n");
            Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", Watchdog.script(), Watchdog.NAME,
                WatchdogLink.hex(tag), WatchdogLink.hex(ENTRIES), WatchdogLink.hex(log.toString()))
                .redirectErrorStream(true).redirectOutput(temp.resolve("watchdog.out").toFile());
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().putAll(env);
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
