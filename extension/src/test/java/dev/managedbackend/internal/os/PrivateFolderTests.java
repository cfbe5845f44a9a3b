package dev.managedbackend.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.managedbackend.OtherUser;
import dev.managedbackend.SharedTmpFolder;

/**
 * A folder we write in must be private all the way up. The attacker is a real second user
 * ({@link OtherUser}); the folders live in a folder of this test under {@code /tmp} that the
 * attacker can reach, so that what is refused is refused for the rule, not for lack of access.
 */
class PrivateFolderTests {

    private static final String WHAT = "The test folder";

    @RegisterExtension
    final SharedTmpFolder base = new SharedTmpFolder("mb-private-folder-");


    /** Two backends of one class start at once and make the log folder together: both go on. */
    @Test
    void twoStartsThatMakeTheSameFolderAtOnceBothGetIt() throws Exception {
        Path logs = base.path().resolve("project").resolve("logs");
        int starts = 8;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(starts);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(starts);
        try {
            java.util.List<java.util.concurrent.Future<Path>> made = new java.util.ArrayList<>();
            for (int i = 0; i < starts; i++) {
                made.add(pool.submit(() -> {
                    together.await(); // all of them call ensure at the same moment
                    return PrivateFolder.ensure(logs, WHAT);
                }));
            }
            for (java.util.concurrent.Future<Path> folder : made) {
                assertThat(folder.get()).isEqualTo(logs);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.getPosixFilePermissions(logs)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aFolderInsideAFolderOfAnotherUserIsRefusedAndNotMade() throws Exception {
        OtherUser attacker = OtherUser.get();
        Path theirs = attacker.owns(Files.createDirectory(base.path().resolve("runtime-dir")));
        Path state = theirs.resolve("managed-backend");

        assertThatThrownBy(() -> PrivateFolder.ensure(state, WHAT))
                .isInstanceOf(PrivateFolder.NotPrivate.class)
                .hasMessage(WHAT + " " + state + " is inside " + theirs + ", which belongs to uid " + attacker.uid()
                        + " (you are uid 0), so another user could rename the folder away and put one of theirs in "
                        + "its place. Use a folder whose parents belong to you or root and that no one else can write "
                        + "(e.g. under your home folder), or remove the write access of others (chmod go-w)");
        assertThat(state).doesNotExist();
    }

    /** Whoever owns a link on the way can point it elsewhere later, whatever it points at now. */
    @Test
    void aFolderReachedThroughALinkOfAnotherUserIsRefused() throws Exception {
        OtherUser attacker = OtherUser.get();
        Path sticky = Files.createDirectory(base.path().resolve("tmp"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path real = Files.createDirectory(base.path().resolve("real"));
        Path link = sticky.resolve("project");
        assertThat(attacker.run("ln", "-s", real.toString(), link.toString()).exitCode()).isZero();

        assertThatThrownBy(() -> PrivateFolder.ensure(link.resolve("state"), WHAT))
                .hasMessageStartingWith(WHAT + " " + link.resolve("state") + " is reached through " + link
                        + ", a symbolic link that belongs to uid " + attacker.uid() + " (you are uid 0), so another "
                        + "user could rename the folder away");
        assertThat(real.resolve("state")).doesNotExist();
    }

    @Test
    void aFolderInsideOneThatOthersCanWriteIsRefusedUnlessItIsRootsAndSticky() throws Exception {
        Path open = Files.createDirectory(base.path().resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path sticky = Files.createDirectory(base.path().resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);

        assertThatThrownBy(() -> PrivateFolder.ensure(open.resolve("state"), WHAT))
                .hasMessageContaining(" is inside " + open + ", which others can write (mode 0777), so another user "
                        + "could rename the folder away");
        assertThat(PrivateFolder.ensure(sticky.resolve("state"), WHAT)).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sticky.resolve("state"))))
                .isEqualTo("rwx------");
    }

    @Test
    void aStickyFolderIsSharedByDesignSoItIsNeverMadeOursNorWrittenIn() throws Exception {
        Path sticky = Files.createDirectory(base.path().resolve("like-tmp"));
        Files.setAttribute(sticky, "unix:mode", 01777);

        assertThatThrownBy(() -> PrivateFolder.ensure(sticky, WHAT))
                .hasMessageStartingWith(WHAT + " " + sticky + " is a folder shared by design (sticky, mode 1777), "
                        + "where others may create files, so others could plant or change");
        assertThat((Integer) Files.getAttribute(sticky, "unix:mode") & 07777).isEqualTo(01777);
    }

    @Test
    void ourFolderThatOthersCanReadIsMadePrivateAndTheOtherUserCanNoLongerList() throws Exception {
        OtherUser attacker = OtherUser.get();
        Path ours = Files.createDirectory(base.path().resolve("logs"));
        Files.writeString(ours.resolve("backend.log"), "DB_PASSWORD = hunter2");
        Files.setPosixFilePermissions(ours, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(attacker.run("ls", ours.toString()).exitCode()).describedAs("before").isZero();

        PrivateFolder.ensure(ours, WHAT);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ours))).isEqualTo("rwx------");
        OtherUser.Result listed = attacker.run("ls", ours.toString());
        assertThat(listed.exitCode()).describedAs("ls as %s: %s", OtherUser.NAME, listed).isNotZero();
        assertThat(listed.output()).contains("Permission denied");
    }

    @Test
    void aMissingFolderIsMadeOwnerOnlyFromItsFirstInstant() throws Exception {
        Path deep = base.path().resolve("target").resolve("managed-backend");

        assertThat(PrivateFolder.ensure(deep, WHAT)).isEqualTo(deep);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(deep))).isEqualTo("rwx------");
        assertThat(Files.getPosixFilePermissions(deep.getParent()))
                .describedAs("a parent we made: not ours to write in, but no one else may write it either")
                .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void aRelativeFolderIsMadeAbsolute() throws Exception {
        Path relative = Path.of("target", "private-folder-tests", "state");

        assertThat(PrivateFolder.ensure(relative, WHAT)).isAbsolute().isEqualTo(relative.toAbsolutePath());
    }
}
