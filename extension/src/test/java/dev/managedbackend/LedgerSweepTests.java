package dev.managedbackend;

import static dev.managedbackend.CrashTeardownTests.awaitTrue;
import static dev.managedbackend.CrashTeardownTests.ledger;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.CrashTeardownTests.PlainCases;
import dev.managedbackend.CrashTeardownTests.QuickCases;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.crash.LedgerSweep;

/**
 * The ledger and its sweep, for a crash that also took the watchdog: entries of dead test JVMs
 * are swept, processes are matched by their environment tag only (a recorded pid and start time
 * prove nothing: they are public), and a live JVM's entries are never touched. Processes here are real:
 * {@code sleep}s the test starts, with or without a tag, and uvicorns in child test JVMs.
 */
class LedgerSweepTests {

    private static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatTheTestStarted() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void aRecordedPidThatNowBelongsToAnUnrelatedProcessIsLeftAlone() throws Exception {
        Path state = temp.resolve("state");
        Process unrelated = sleep(null); // took the pid the entry records: no tag, another start
        String tag = uniqueTag("reused");
        Process leftover = sleep(tag);   // what the dead JVM's backend really left: carries the tag
        long self = ProcessHandle.current().pid();
        // owner: this JVM's pid with another start, i.e. a dead JVM whose pid was reused by us
        writeEntry(state, self, startOf(self) - 1, tag, unrelated.pid(), startOf(unrelated.pid()) + 7);

        LedgerSweep.Result result = CrashGuard.sweepNow(state);

        assertThat(unrelated.isAlive()).describedAs("the process that now has the recorded pid").isTrue();
        assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).describedAs("the tagged leftover").isTrue();
        assertThat(result.stopped()).containsExactly(leftover.pid());
        assertThat(result.kept()).isEmpty();
        assertThat(ledger(state)).isEmpty();
    }

    @Test
    void aPlantedEntryNamingAnUntaggedProcessNeverGetsItSignalled() throws Exception {
        // Reported: pid and start time are public in /proc, so an entry naming an unrelated process
        // of the same user (pid and start time right) got it SIGKILLed by the next sweep.
        Path state = temp.resolve("state");
        Process unrelated = sleep(null);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        writeEntry(state, gone.pid(), 12345, uniqueTag("planted"), unrelated.pid(), startOf(unrelated.pid()));

        LedgerSweep.Result result = CrashGuard.sweepNow(state);

        assertThat(unrelated.waitFor(1500, TimeUnit.MILLISECONDS)).describedAs("still running after the sweep").isFalse();
        assertThat(result.stopped()).isEmpty();
        assertThat(ledger(state)).describedAs("nothing of the entry's tag is left").isEmpty();
    }

    @Test
    void anEntryAnotherUserOwnsIsIgnoredAndKept() throws Exception {
        Path state = temp.resolve("state");
        String tag = uniqueTag("foreign");
        Process tagged = sleep(tag);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path entry = writeEntry(state, gone.pid(), 4242, tag, tagged.pid(), startOf(tagged.pid()));
        Files.setAttribute(entry, "unix:uid", 65534); // nobody: root (CI) can give it away

        LedgerSweep.Result result = CrashGuard.sweepNow(state);

        assertThat(result.isEmpty()).isTrue();
        assertThat(tagged.waitFor(1500, TimeUnit.MILLISECONDS)).describedAs("never signalled").isFalse();
        assertThat(entry).exists();
    }

    @Test
    void anEntryThatIsALinkIsIgnored() throws Exception {
        Path state = temp.resolve("state");
        String tag = uniqueTag("linked");
        Process tagged = sleep(tag);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path real = writeEntry(state, gone.pid(), 4242, tag, tagged.pid(), startOf(tagged.pid()));
        Path elsewhere = Files.move(real, temp.resolve("elsewhere.entry"));
        Files.createSymbolicLink(real, elsewhere);

        LedgerSweep.Result result = CrashGuard.sweepNow(state);

        assertThat(result.isEmpty()).isTrue();
        assertThat(tagged.waitFor(1500, TimeUnit.MILLISECONDS)).describedAs("never signalled").isFalse();
        assertThat(elsewhere).exists();
    }

    @Test
    void aLiveOwnersEntriesAreNeverTouched() throws Exception {
        Path state = temp.resolve("state");
        String tag = uniqueTag("live");
        Process backend = sleep(tag);
        long self = ProcessHandle.current().pid();
        writeEntry(state, self, startOf(self), tag, backend.pid(), startOf(backend.pid()));

        LedgerSweep.Result result = CrashGuard.sweepNow(state);

        assertThat(result.isEmpty()).isTrue();
        assertThat(backend.isAlive()).isTrue();
        assertThat(ledger(state)).hasSize(1);
    }

    /**
     * A state folder shared by CI jobs in containers of their own (another pid namespace on this
     * host): a job's JVM whose pid is free here may run there, so its entries are never swept
     * from here, and nothing it tagged is touched.
     */
    @Test
    void anEntryOfAnotherPidNamespaceIsNeverSwept() throws Exception {
        Path state = temp.resolve("state");
        String tag = uniqueTag("other-namespace");
        Process backend = sleep(tag);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(); // free here: in this namespace that JVM would be provably dead
        writeEntry(state, "1", gone.pid(), 12345, tag, backend.pid(), startOf(backend.pid()));

        LedgerSweep.Result result = CrashGuard.sweepNow(state);

        assertThat(result.isEmpty()).describedAs("swept: %s", result).isTrue();
        assertThat(backend.isAlive()).isTrue();
        assertThat(ledger(state)).hasSize(1);
    }

    /**
     * Two test JVMs start at once on one state folder in which a dead JVM left a process; a third
     * runs (and sweeps, with a full process scan, another leftover) while both have live backends.
     * Each sweep removes only the dead JVM's leftover; both live backends survive every sweep.
     */
    @Test
    void parallelJvmsNeverReapEachOthersLiveBackends() throws Exception {
        Path state = temp.resolve("state");
        Process firstLeftover = deadJvmLeft(state, "first");
        try (CrashJvm a = CrashJvm.start(PlainCases.class, temp.resolve("a"), state);
                CrashJvm b = CrashJvm.start(PlainCases.class, temp.resolve("b"), state)) {
            CrashJvm.Ready readyA = a.awaitReady(READY);
            CrashJvm.Ready readyB = b.awaitReady(READY);
            assertThat(firstLeftover.waitFor(5, TimeUnit.SECONDS)).describedAs("swept by A or B").isTrue();
            assertThat(a.output() + b.output()).containsOnlyOnce("swept 1 ledger entries");

            Process secondLeftover = deadJvmLeft(state, "second");
            try (CrashJvm c = CrashJvm.start(QuickCases.class, temp.resolve("c"), state)) {
                assertThat(c.awaitExit(READY)).describedAs(c.output()).isZero();
                assertThat(c.output()).contains("swept 1 ledger entries");
            }
            assertThat(secondLeftover.isAlive()).describedAs("swept by C").isFalse();

            assertThat(ProcessHandle.of(readyA.backendPid()).map(ProcessHandle::isAlive)).contains(true);
            assertThat(ProcessHandle.of(readyB.backendPid()).map(ProcessHandle::isAlive)).contains(true);
            assertThat(Http.get("http://127.0.0.1:" + readyA.port() + "/health").status()).isEqualTo(200);
            assertThat(Http.get("http://127.0.0.1:" + readyB.port() + "/health").status()).isEqualTo(200);
            assertThat(ledger(state)).describedAs("A's and B's entries").hasSize(2);

            a.signal("TERM");
            b.signal("TERM");
            a.awaitExit(Duration.ofSeconds(30));
            b.awaitExit(Duration.ofSeconds(30));
            assertThat(ledger(state)).isEmpty();
        }
    }

    /** The normal path (a ledger with nothing to sweep) loads no OSHI class; a sweep does. */
    @Test
    void theNormalPathLoadsNoOshiClass() throws Exception {
        Path state = temp.resolve("state");
        Path normal = temp.resolve("normal");
        Files.createDirectories(normal);
        try (CrashJvm jvm = CrashJvm.start(QuickCases.class, normal, state,
                "-Xlog:class+load=info:file=" + normal.resolve("classes.log"))) {
            assertThat(jvm.awaitExit(READY)).describedAs(jvm.output()).isZero();
        }
        String loaded = Files.readString(normal.resolve("classes.log"));
        assertThat(loaded).contains("dev.managedbackend.internal.crash.CrashGuard");
        assertThat(loaded).doesNotContain(" oshi.", "com.sun.jna", "OshiProcessTable");
        assertThat(ledger(state)).isEmpty();

        Process leftover = deadJvmLeft(state, "oshi");
        Path sweeping = temp.resolve("sweeping");
        Files.createDirectories(sweeping);
        try (CrashJvm jvm = CrashJvm.start(QuickCases.class, sweeping, state,
                "-Xlog:class+load=info:file=" + sweeping.resolve("classes.log"))) {
            assertThat(jvm.awaitExit(READY)).describedAs(jvm.output()).isZero();
        }
        assertThat(Files.readString(sweeping.resolve("classes.log"))).contains(" oshi.SystemInfo");
        assertThat(leftover.isAlive()).isFalse();
    }

    /** A dead JVM's ledger entry and the process it left (a tagged {@code sleep}). */
    private Process deadJvmLeft(Path state, String name) throws Exception {
        String tag = uniqueTag(name);
        Process leftover = sleep(tag);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        writeEntry(state, gone.pid(), 4242, tag, leftover.pid(), startOf(leftover.pid()));
        return leftover;
    }

    private Process sleep(String tag) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sleep", "300");
        builder.environment().remove(OwnerTag.VARIABLE);
        if (tag != null) {
            builder.environment().put(OwnerTag.VARIABLE, tag);
        }
        Process process = builder.start();
        started.add(process);
        return process;
    }

    static String uniqueTag(String name) {
        return "1:" + System.nanoTime() + ":" + name; // the pid of no test JVM, ever
    }

    /** Writes a ledger entry the way a test JVM would have (see LedgerEntry). */
    static Path writeEntry(Path state, long ownerPid, long ownerStart, String tag, long pid, long pidStart)
            throws IOException {
        return writeEntry(state, JvmIdentity.pidNamespace(), ownerPid, ownerStart, tag, pid, pidStart);
    }

    /** As {@link #writeEntry(Path, long, long, String, long, long)}, by a JVM of pid namespace {@code pidNamespace}. */
    static Path writeEntry(Path state, String pidNamespace, long ownerPid, long ownerStart, String tag, long pid,
            long pidStart) throws IOException {
        // owner-only, as a test JVM makes them: a more open folder is repaired, with a warning
        Path dir = Files.createDirectories(state.resolve("ledger"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Properties p = new Properties();
        String owner = new JvmIdentity.Self(boot(), pidNamespace, ownerPid, ownerStart, "5eed").toString();
        p.setProperty("owner", owner);
        p.setProperty("name", "default");
        p.setProperty("tag", tag);
        p.setProperty("pid", Long.toString(pid));
        p.setProperty("pid.start", Long.toString(pidStart));
        p.setProperty("pgid", Long.toString(pid));
        p.setProperty("command", "sleep 300");
        p.setProperty("container", "");
        p.setProperty("dockerHost", "");
        Path entry = dir.resolve(owner + "-" + System.nanoTime() + ".entry");
        try (var out = Files.newBufferedWriter(entry)) {
            p.store(out, null);
        }
        return entry;
    }

    /** Start of {@code pid} in clock ticks since boot (field 22 of /proc/pid/stat). */
    static long startOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }

    private static String boot() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).replace("-", "").trim().substring(0, 8);
    }
}
