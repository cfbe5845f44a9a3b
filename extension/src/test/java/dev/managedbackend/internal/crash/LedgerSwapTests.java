package dev.managedbackend.internal.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.managedbackend.OtherUser;
import dev.managedbackend.SharedTmpFolder;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * The audit's worst finding, replayed against the crash guard: during a start, the second user
 * renames the state folder away, recreates {@code ledger/} and plants links named like this
 * JVM's next entries, pointing at a root-owned mode-600 file (root's {@code authorized_keys} in
 * the audit), which used to be overwritten with ledger text. Here the rule that stops the rename
 * (no parent another user can write) is beaten on purpose, to show the second line: each write
 * checks the folder's identity again and creates its file new, without following links.
 */
class LedgerSwapTests {

    private static final String KEYS = "ssh-ed25519 AAAAC3Nz root@ci";

    @RegisterExtension
    final SharedTmpFolder base = new SharedTmpFolder("mb-ledger-swap-");


    @Test
    void aStateFolderSwappedDuringAStartGetsNoEntryAndWhatThePlantedLinksNameIsUntouched() throws Exception {
        OtherUser attacker = OtherUser.get();
        Path authorizedKeys = base.ownerOnlyFile("authorized_keys", KEYS);
        Path state = base.path().resolve("state");
        CrashGuard guard = CrashGuard.get(state, base.path().resolve("logs")); // checks the folders, as a first start does
        Files.setPosixFilePermissions(base.path(), PosixFilePermissions.fromString("rwxrwxrwx")); // the check, beaten
        OtherUser.Result swapped = attacker.run("sh", "-c", "cd \"$1\" && mv state gone && mkdir -m 777 state "
                + "state/ledger && i=1 && while [ $i -le 300 ]; do ln -s \"$2\" \"state/ledger/$3$i.entry\" && "
                + "ln -s \"$2\" \"state/ledger/$3$i.entry.partial\" && i=$((i + 1)); done", "swap", base.path().toString(),
                authorizedKeys.toString(), Ledger.ownPrefix());
        assertThat(swapped.exitCode()).describedAs("the attacker's swap: %s", swapped).isZero();

        guard.reserve("swapped", OwnerTag.of("ledger-swap-test"), List.of("sleep", "300")).close();

        assertThat(authorizedKeys).hasContent(KEYS);
        try (Stream<Path> planted = Files.list(state.resolve("ledger"))) {
            assertThat(planted.filter(file -> !Files.isSymbolicLink(file)).toList())
                    .describedAs("anything of ours in their folder").isEmpty();
        }
        try (Stream<Path> planted = Files.list(state.resolve("ledger"))) {
            assertThat(planted.count()).isEqualTo(600);
        }
    }
}
