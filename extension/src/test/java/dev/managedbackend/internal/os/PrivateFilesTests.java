package dev.managedbackend.internal.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.managedbackend.OtherUser;
import dev.managedbackend.SharedTmpFolder;

/**
 * Files are created, never opened through a name someone else prepared. The target of the
 * attacks is a root-owned mode-600 file standing for {@code /root/.ssh/authorized_keys}: it must
 * stay untouched. The attacker is a real second user ({@link OtherUser}).
 */
class PrivateFilesTests {

    private static final String KEYS = "ssh-ed25519 AAAAC3Nz root@ci" + System.lineSeparator();

    @RegisterExtension
    final SharedTmpFolder base = new SharedTmpFolder("mb-private-files-");
    private Path authorizedKeys;


    @BeforeEach
    void makeKeys() throws IOException {
        authorizedKeys = Files.createTempFile("authorized_keys", "");
        Files.writeString(authorizedKeys, KEYS);
    }

    @AfterEach
    void removeKeys() throws IOException {
        Files.deleteIfExists(authorizedKeys);
    }

    @Test
    void aNewFileIsOwnerOnlyAndNamedUnpredictably() throws Exception {
        PrivateFiles files = PrivateFiles.in(base.path().resolve("logs"), "The log folder");

        Path first = files.createUnpredictable("backend-", ".log");
        Path second = files.createUnpredictable("backend-", ".log");

        assertThat(first.getFileName().toString()).matches("backend-[0-9a-f]{16}\\.log");
        assertThat(second).isNotEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rw-------");
    }

    @Test
    void aWholeWriteReplacesAPlantedLinkInsteadOfWritingThroughIt() throws Exception {
        PrivateFiles files = PrivateFiles.in(base.path().resolve("ledger"), "The crash ledger");
        Path planted = Files.createSymbolicLink(files.dir().resolve("0a1b-4242-99-1.entry"), authorizedKeys);

        Path written = files.replace("0a1b-4242-99-1.entry", "process 4242\n".getBytes(StandardCharsets.UTF_8));

        assertThat(written).isEqualTo(planted);
        assertThat(Files.isSymbolicLink(written)).isFalse();
        assertThat(written).hasContent("process 4242");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rw-------");
        assertThat(authorizedKeys).hasContent(KEYS.strip());
        assertThat(names(files.dir())).containsExactly("0a1b-4242-99-1.entry"); // no temporary file left
    }

    /**
     * The attack: the folder, once checked, is renamed away by the other user and
     * replaced by one of theirs, holding links named like the next entry. Here the check is
     * beaten on purpose (the parent is opened to everyone after it), to show that the write looks
     * at the folder again and refuses.
     */
    @Test
    void aFolderRenamedAwayAndReplacedWithPlantedLinksIsNotWrittenIn() throws Exception {
        OtherUser attacker = OtherUser.get();
        Files.setPosixFilePermissions(authorizedKeys, PosixFilePermissions.fromString("rw-------"));
        Path state = Files.createDirectory(base.path().resolve("state"));
        PrivateFiles ledger = PrivateFiles.in(state.resolve("ledger"), "The crash ledger");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        String next = "0a1b-4242-99-7.entry";
        OtherUser.Result swapped = attacker.run("sh", "-c", "cd \"$1\" && mv ledger gone && mkdir -m 777 ledger && "
                + "ln -s \"$2\" ledger/\"$3\" && ln -s \"$2\" ledger/\"$3\".partial", "attack", state.toString(),
                authorizedKeys.toString(), next);
        assertThat(swapped.exitCode()).describedAs("the attacker's swap: %s", swapped).isZero();

        assertThatThrownBy(() -> ledger.replace(next, "process 4242\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("The crash ledger " + ledger.dir() + " is another folder than the one checked")
                .hasMessageContaining("Not writing there");

        assertThat(authorizedKeys).hasContent(KEYS.strip());
        assertThat(names(ledger.dir())).containsExactlyInAnyOrder(next, next + ".partial");
        assertThat(Files.isSymbolicLink(ledger.dir().resolve(next))).isTrue();
    }

    @Test
    void aLogReopenedByNameIsNotFollowedIntoALinkPutInItsPlace() throws Exception {
        PrivateFiles logs = PrivateFiles.in(base.path().resolve("logs"), "The log folder");
        Path log = logs.createUnpredictable("backend-", ".log");
        Files.delete(log);
        Files.createSymbolicLink(log, authorizedKeys);

        assertThatThrownBy(() -> logs.append(log)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> logs.checkedForReopen(log)).hasMessage("the file " + log + " is a symbolic link; "
                + "not writing to it");
        assertThat(authorizedKeys).hasContent(KEYS.strip());
    }

    @Test
    void aLockFileThatIsALinkIsNotOpened() throws Exception {
        PrivateFiles state = PrivateFiles.in(base.path().resolve("state"), "The state folder");
        Files.createSymbolicLink(state.dir().resolve("ports.lock"), authorizedKeys);

        assertThatThrownBy(() -> state.openShared("ports.lock")).isInstanceOf(IOException.class);
        assertThat(authorizedKeys).hasContent(KEYS.strip());
    }

    @Test
    void aLockFileOfAnOlderVersionIsMadeOwnerOnly() throws Exception {
        PrivateFiles state = PrivateFiles.in(base.path().resolve("state"), "The state folder");
        Path lock = Files.createFile(state.dir().resolve("ports.lock"));
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));

        state.openShared("ports.lock").close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
    }

    /** Starts are interrupted on purpose (a sibling failed); the ledger entry must still be written. */
    @Test
    void aWriteFromAnInterruptedThreadIsDoneAndTheThreadStaysInterrupted() throws Exception {
        PrivateFiles files = PrivateFiles.in(base.path().resolve("ledger"), "The crash ledger");

        Thread.currentThread().interrupt();
        Path written;
        try {
            written = files.replace("entry", "process 4242\n".getBytes(StandardCharsets.UTF_8));
        } finally {
            assertThat(Thread.interrupted()).describedAs("the caller's interrupt flag, kept").isTrue();
        }

        assertThat(written).hasContent("process 4242");
    }

    @Test
    void appendingAddsToTheFileWeMade() throws Exception {
        PrivateFiles logs = PrivateFiles.in(base.path().resolve("logs"), "The log folder");
        Path log = logs.createUnpredictable("backend-", ".log");

        try (OutputStream out = logs.append(log)) {
            out.write("started\n".getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = logs.append(log)) {
            out.write("stopped\n".getBytes(StandardCharsets.UTF_8));
        }

        assertThat(Files.readAllLines(log)).containsExactly("started", "stopped");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
