package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state folder (port leases, crash ledger) is used only if it is private to the user:
 * owned by them, not a link, writable by nobody else. Otherwise the start fails before anything
 * runs, naming the folder, what is wrong and the fix. CI runs as root, which can hand a folder to
 * another user.
 */
@ExtendWith(OwnProcesses.class)
class PrivateStateTests {

    @TempDir
    Path temp;

    @Test
    void aStateFolderOfAnotherUserThatEveryoneCanWriteIsRefused() throws Exception {
        Path shared = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(shared, "unix:uid", 65534);

        Throwable failure = startWith(shared);

        assertThat(failure).isInstanceOf(BackendStartException.class).hasMessage("The managed-backend state folder "
                + "(managedbackend.stateDir) " + shared + " belongs to uid 65534, not to you (uid 0), so others could "
                + "plant or change what managed-backend trusts there. Use a folder that you own and that only you can "
                + "write (mkdir -m 700), or remove this one.");
        assertThat(shared.resolve("ports.lock")).doesNotExist();
        assertThat(shared.resolve("ledger")).doesNotExist();
    }

    @Test
    void aStateFolderThatIsALinkIsRefused() throws Exception {
        Path real = Files.createDirectory(temp.resolve("real"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), real);

        assertThat(startWith(link)).isInstanceOf(BackendStartException.class)
                .hasMessageContaining("(managedbackend.stateDir) " + link + " is a symbolic link");
    }

    @Test
    void ourOwnFolderThatOthersCanWriteIsMadePrivate() throws Exception {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        TestKit.assertAllPassed(TestKit.run(Map.of(ManagedBackend.STATE_DIR_PROPERTY_NAME, open.toString()),
                HelloCases.class), 1);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open.resolve("ledger"))))
                .isEqualTo("rwx------");
    }

    private static Throwable startWith(Path stateDir) {
        return TestKit.classFailure(TestKit.run(Map.of(ManagedBackend.STATE_DIR_PROPERTY_NAME, stateDir.toString()),
                HelloCases.class), HelloCases.class);
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class HelloCases {
        @Test
        void test() {
        }
    }
}
