package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTests {

    @TempDir
    Path temp;

    @Test
    void replacesEveryAssignmentOfTheKeyAndKeepsEverythingElse() throws Exception {
        Path file = temp.resolve(".env.local");
        Files.writeString(file, "# comment\nAPI=old\n  export API = older\nAPI_V2=keep\n\nOTHER=\"a b\"");

        EnvFile.Edit edit = EnvFile.set(temp, file, "API", "http://127.0.0.1:23456");

        assertThat(edit.previous()).containsExactly("API=old", "  export API = older");
        assertThat(Files.readString(file)).isEqualTo("# comment\nAPI=http://127.0.0.1:23456\n  export "
                + "API=http://127.0.0.1:23456\nAPI_V2=keep\n\nOTHER=\"a b\"");
    }

    @Test
    void eachLineKeepsItsOwnEnding() throws Exception {
        Path file = temp.resolve(".env");
        Files.writeString(file, "A=1\r\nURL=old\nB=2\r\nC=3");

        EnvFile.set(temp, file, "URL", "http://x:1");
        assertThat(Files.readString(file)).isEqualTo("A=1\r\nURL=http://x:1\nB=2\r\nC=3");

        EnvFile.set(temp, file, "NEW", "n");
        assertThat(Files.readString(file)).describedAs("added after a last line without an ending")
                .isEqualTo("A=1\r\nURL=http://x:1\nB=2\r\nC=3\r\nNEW=n\r\n");
    }

    @Test
    void addsAMissingKeyAtTheEndAndKeepsTheModeWithNoTemporaryFileLeft() throws Exception {
        Path file = temp.resolve(".env");
        Files.writeString(file, "A=1\r\nB=2\r\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThat(EnvFile.set(temp, file, "BACKEND_URL", "http://x:1").previous()).isEmpty();

        assertThat(Files.readString(file)).isEqualTo("A=1\r\nB=2\r\nBACKEND_URL=http://x:1\r\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(Files.list(temp)).containsExactly(file);
    }

    @Test
    void createsTheFileAndItsFolderReadableByItsOwnerOnly() throws Exception {
        Path created = temp.resolve("web/.env.local");

        EnvFile.set(temp, created, "K", "v");

        assertThat(Files.readString(created)).isEqualTo("K=v\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rw-------");
    }

    @Test
    void restoreGivesTheKeyBackItsValueOrRemovesItsLine() throws Exception {
        Path file = Files.writeString(temp.resolve(".env"), "A=1\r\nAPI=http://old:1\r\nB=2");
        EnvFile.Edit edit = EnvFile.set(temp, file, "API", "http://127.0.0.1:2");

        assertThat(EnvFile.restore(edit)).isEqualTo("restored API=http://old:1 in " + file + " (its line before the backend started)");
        assertThat(Files.readString(file)).isEqualTo("A=1\r\nAPI=http://old:1\r\nB=2");

        EnvFile.Edit added = EnvFile.set(temp, file, "NEW", "http://127.0.0.1:3");
        assertThat(EnvFile.restore(added)).isEqualTo("removed NEW from " + file + " (it was not there before the backend started)");
        assertThat(Files.readString(file)).isEqualTo("A=1\r\nAPI=http://old:1\r\nB=2\r\n");
    }

    @Test
    void restoreLeavesAKeyThatWasChangedSince() throws Exception {
        Path file = Files.writeString(temp.resolve(".env"), "API=http://old:1\n");
        EnvFile.Edit edit = EnvFile.set(temp, file, "API", "http://127.0.0.1:2");
        Files.writeString(file, "API=http://mine:9\n");

        assertThat(EnvFile.restore(edit)).isEqualTo("left API in " + file + " as it is: it no longer holds "
                + "http://127.0.0.1:2, so it was changed since");
        assertThat(Files.readString(file)).isEqualTo("API=http://mine:9\n");
    }

    @Test
    void aLinkIsRefusedAndWhatItPointsToIsLeftAlone() throws Exception {
        Path outside = Files.createDirectories(temp.resolve("home"));
        Path bashrc = Files.writeString(outside.resolve(".bashrc"), "alias ll='ls -l'\n");
        Path project = Files.createDirectories(temp.resolve("project"));
        Path web = Files.createDirectories(project.resolve("web"));
        Path link = Files.createSymbolicLink(web.resolve(".env.local"), bashrc);

        assertThatThrownBy(() -> EnvFile.set(project, link, "API", "http://x:1"))
                .isInstanceOf(EnvFile.Refused.class)
                .hasMessage("--env-file " + link + ": " + link + " is a symbolic link (to " + bashrc + "); the file is "
                        + "edited only where it is, never through a link, which could lead out of the project. Give the "
                        + "path of the file itself, or replace the link with the file");
        Path linkedFolder = Files.createSymbolicLink(project.resolve("linked"), outside);
        assertThatThrownBy(() -> EnvFile.set(project, linkedFolder.resolve(".bashrc"), "API", "http://x:1"))
                .isInstanceOf(EnvFile.Refused.class).hasMessageContaining(linkedFolder + " is a symbolic link");

        assertThat(Files.readString(bashrc)).isEqualTo("alias ll='ls -l'\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void aPathOutsideTheProjectIsRefused() throws Exception {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path up = project.resolve("../other/.env");

        assertThatThrownBy(() -> EnvFile.set(project, up, "API", "http://x:1"))
                .isInstanceOf(EnvFile.Refused.class)
                .hasMessage("--env-file " + up + " is " + temp.resolve("other/.env") + ", outside the project " + project
                        + ": only a file in the project's folder or below it is edited. Give a path inside it, or run "
                        + "managed-backend from the folder that holds the file (with --config, the config file's folder "
                        + "is the project)");
        assertThat(temp.resolve("other")).doesNotExist();
    }

    /**
     * The audit's case, as a second local user (uid 12345, through setpriv, as root in CI): in a
     * project folder that user can write, they plant {@code web/.env.local} as a link to a file of
     * root's. The edit is refused, and root's file keeps its text.
     */
    @Test
    void aLinkPlantedByAnotherUserIsRefused() throws Exception {
        requireRoot();
        Path secret = Files.writeString(temp.resolve("authorized_keys"), "ssh-ed25519 AAAA root@host\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path project = Files.createDirectories(temp.resolve("shared-project"));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(project, PosixFilePermissions.fromString("rwxrwxrwx"));
        Process plant = new ProcessBuilder("setpriv", "--reuid", "12345", "--regid", "12345", "--clear-groups", "sh", "-c",
                "mkdir web && ln -s \"$0\" web/.env.local", secret.toString())
                .directory(project.toFile()).redirectErrorStream(true).start();
        assertThat(plant.waitFor()).describedAs(new String(plant.getInputStream().readAllBytes())).isZero();
        Path link = project.resolve("web/.env.local");
        assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(12345);

        assertThatThrownBy(() -> EnvFile.set(project, link, "API", "http://x:1")).isInstanceOf(EnvFile.Refused.class)
                .hasMessageContaining(link + " is a symbolic link (to " + secret + ")");

        assertThat(Files.readString(secret)).isEqualTo("ssh-ed25519 AAAA root@host\n");
    }

    /** As root (CI), a file of another user: the edit keeps its owner and group, as an edit in place would. */
    @Test
    void theOwnerAndGroupAreKept() throws Exception {
        requireRoot();
        Path file = Files.writeString(temp.resolve(".env"), "API=old\n");
        new ProcessBuilder("chown", "12345:12346", file.toString()).inheritIO().start().waitFor();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

        EnvFile.set(temp, file, "API", "http://x:1");

        assertThat(Files.readString(file)).isEqualTo("API=http://x:1\n");
        assertThat(Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(12345);
        assertThat(Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(12346);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw-r--");
    }

    /** Root gives files to another user; CI runs as root, so there the test must run, not skip. */
    private static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI runs as root, which this test needs to act as or for another user");
            }
            assumeTrue(false, "needs root to act as or for another user");
        }
    }
}
