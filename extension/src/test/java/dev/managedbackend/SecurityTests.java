package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * The attacks of the security audit, replayed by a real second user ({@link OtherUser}) against
 * real starts: each is now refused, or finds nothing to act on. Everything lives in a folder of
 * the test under {@code /tmp} that the second user can reach, so what stops them is the rule
 * under test, not a folder they could not see anyway.
 */
@ExtendWith(OwnProcesses.class)
class SecurityTests {

    private static final String KEYS = "ssh-ed25519 AAAAC3Nz root@ci";

    @RegisterExtension
    final SharedTmpFolder base = new SharedTmpFolder("mb-security-");
    /** Like {@code /tmp}: root's, sticky, where anyone can make a folder of theirs. */
    private Path tmp;
    private Path authorizedKeys;
    private Process holder;


    /** An image's {@code /tmp/runtime-$USER}, made by another user before the tests ran. */
    @BeforeEach
    void makeTmpAndKeys() throws IOException {
        tmp = Files.createDirectory(base.path().resolve("tmp"));
        Files.setAttribute(tmp, "unix:mode", 01777);
        authorizedKeys = base.ownerOnlyFile("authorized_keys", KEYS);
    }

    @AfterEach
    void stopHolder() throws InterruptedException {
        if (holder != null) {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void aStateFolderInsideAFolderOfAnotherUserIsRefusedBeforeAnythingRuns() throws Exception {
        OtherUser attacker = OtherUser.get();
        Path theirs = tmp.resolve("runtime-root");
        assertThat(attacker.run("mkdir", "-m", "777", theirs.toString()).exitCode()).isZero();
        Path state = theirs.resolve("managed-backend");

        Throwable failure = TestKit.classFailure(TestKit.run(Map.of(ManagedBackend.STATE_DIR_PROPERTY_NAME,
                state.toString(), ManagedBackend.LOG_DIR_PROPERTY_NAME, base.path().resolve("logs").toString()),
                HelloCases.class), HelloCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class).hasMessage("The managed-backend state folder "
                + "(managedbackend.stateDir) " + state + " is inside " + theirs + ", which belongs to uid "
                + attacker.uid() + " (you are uid 0), so another user could rename the folder away and put one of "
                + "theirs in its place. Use a folder whose parents belong to you or root and that no one else can "
                + "write (e.g. under your home folder), or remove the write access of others (chmod go-w).");
        assertThat(state).doesNotExist();
    }

    /** The old names were predictable ({@code watchdog-<pid>.log}): links were planted under them. */
    @Test
    void aSharedLogFolderWithPlantedLinksIsRefusedAndWhatTheyPointAtIsUntouched() throws Exception {
        OtherUser attacker = OtherUser.get();
        Path shared = tmp.resolve("shared-logs");
        OtherUser.Result planted = attacker.run("sh", "-c",
                "mkdir -m 777 \"$1\" && ln -s \"$2\" \"$1/watchdog-$3.log\"",
                "plant", shared.toString(), authorizedKeys.toString(), Long.toString(ProcessHandle.current().pid()));
        assertThat(planted.exitCode()).describedAs("planting: %s", planted).isZero();

        Throwable failure = TestKit.classFailure(TestKit.run(Map.of(ManagedBackend.STATE_DIR_PROPERTY_NAME,
                base.path().resolve("state").toString(), ManagedBackend.LOG_DIR_PROPERTY_NAME, shared.toString()),
                HelloCases.class), HelloCases.class);

        assertThat(failure).isInstanceOf(BackendStartException.class).hasMessage("The backend log folder "
                + "(managedbackend.logDir) " + shared + " belongs to uid " + attacker.uid() + ", not to you (uid 0), "
                + "so others could plant or change what managed-backend trusts there. Use a folder that you own and "
                + "that only you can write (mkdir -m 700), or remove this one.");
        assertThat(authorizedKeys).hasContent(KEYS);
        try (var names = Files.list(shared)) {
            assertThat(names).describedAs("nothing of ours in their folder").hasSize(1);
        }
    }

    /** A backend's log held {@code DB_PASSWORD = hunter2}, readable by all; the locks could be taken by anyone. */
    @Test
    void anotherUserCanNeitherReadARunningBackendsLogNorOpenTheLeaseFile() throws Exception {
        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.STATE_DIR_PROPERTY_NAME,
                base.path().resolve("state").toString(), ManagedBackend.LOG_DIR_PROPERTY_NAME,
                base.path().resolve("logs").toString()), SecretCases.class), 1);
    }

    /** A start of the same name that never ends made {@code start} hang until some outer timeout. */
    @Test
    void aStartWaitsForAnotherOfTheSameNameOnlySoLongAndNamesWhoHoldsIt() throws Exception {
        Path state = PrivateFolder.ensure(base.path().resolve("state"), "The state folder");
        long position = Math.floorMod("api".hashCode(), 1 << 20);
        holder = new ProcessBuilder("python3", "-c", "import fcntl, os, sys, time\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)\n"
                + "fcntl.lockf(fd, fcntl.LOCK_EX, 1, int(sys.argv[2]))\n"
                + "print('locked', flush=True)\n"
                + "time.sleep(120)", state.resolve("starts.lock").toString(), Long.toString(position))
                .redirectErrorStream(true).start();
        assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                .readLine()).isEqualTo("locked");

        assertThatThrownBy(() -> DetachedBackends.reserveName(state, "api", Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("waited 1 s for another start of a backend named 'api' (a lock on bytes "
                        + position + ".." + position + " of " + state.resolve("starts.lock") + "), held by pid "
                        + holder.pid() + " (uid 0: ")
                .hasMessageContaining("python3 -c import fcntl, os, sys, time fd = os.open(")
                .hasMessageEndingWith("). Wait for it to finish, or stop it");

        holder.destroyForcibly();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        DetachedBackends.reserveName(state, "api", Duration.ofSeconds(10)).close();
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class HelloCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, healthPath = "/", command = {"sh", "-c",
            "echo DB_PASSWORD = hunter2; exec python3 -m http.server {port} --bind {host}"})
    static class SecretCases {
        @Test
        void theOtherUserIsShutOut(Backend backend) throws Exception {
            OtherUser attacker = OtherUser.get();
            Path log = backend.logFile();
            Path state = log.getParent().resolveSibling("state"); // as configured by the test above
            assertThat(log).content().describedAs("the log holds the secret").contains("DB_PASSWORD = hunter2");

            OtherUser.Result read = attacker.run("cat", log.toString());
            OtherUser.Result listed = attacker.run("ls", log.getParent().toString());
            OtherUser.Result locked = attacker.run("flock", "--shared", "--nonblock", state.resolve("ports.lock")
                    .toString(), "true");

            assertThat(read.exitCode()).describedAs("cat the log: %s", read).isNotZero();
            assertThat(read.output()).doesNotContain("hunter2").contains("Permission denied");
            assertThat(listed.output()).describedAs("ls the log folder").contains("Permission denied");
            assertThat(locked.exitCode()).describedAs("flock ports.lock: %s", locked).isNotZero();
            assertThat(locked.output()).contains("Permission denied");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("ports.lock"))))
                    .isEqualTo("rw-------");
            for (Path folder : new Path[] {log.getParent(), state, state.resolve("ledger")}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                        .describedAs("mode of %s", folder).isEqualTo("rwx------");
            }
        }
    }
}
