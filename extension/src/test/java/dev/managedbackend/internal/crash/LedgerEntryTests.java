package dev.managedbackend.internal.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.managedbackend.internal.os.JvmIdentity;

/** A ledger entry reads back exactly as written, whatever a backend's name or command holds. */
class LedgerEntryTests {

    @Test
    void roundTripsAnyText() throws Exception {
        LedgerEntry entry = new LedgerEntry("0a1b2c3d-4026531836-4242-987654321-1a2b3c4d5e6f", " users = \"api\"\t\\ üñï\ncode:#!",
                "4242:987654321: users", 77, 123, 77, "python -m uvicorn app:app --port 1 --host 127.0.0.1",
                "", "unix:///run/user/1000/docker.sock");

        assertThat(LedgerEntry.parse(entry.format())).isEqualTo(entry);
    }

    @Test
    void theOwnerIsReadFromTheFileNameAlone() {
        assertThat(LedgerEntry.ownerOf(Path.of("/x/0a1b2c3d-4026531836-4242-987654321-1a2b3c4d5e6f-7.entry")))
                .contains(new LedgerEntry.Owner(new JvmIdentity.Self("0a1b2c3d", "4026531836", 4242, 987654321L,
                        "1a2b3c4d5e6f")));
        assertThat(LedgerEntry.ownerOf(Path.of("/x/0a1b2c3d-4026531836-4242-987654321-0-detached.entry")))
                .contains(new LedgerEntry.Owner(new JvmIdentity.Self("0a1b2c3d", "4026531836", 4242, 987654321L, "0")));
        // the layout before pid namespaces and the random part: read as one of this namespace
        assertThat(LedgerEntry.ownerOf(Path.of("/x/0a1b2c3d-4242-987654321-7.entry")))
                .contains(new LedgerEntry.Owner(new JvmIdentity.Self("0a1b2c3d", "", 4242, 987654321L, "")));
        assertThat(LedgerEntry.ownerOf(Path.of("/x/0a1b2c3d-4242-987654321-7.entry.partial"))).isEmpty();
        assertThat(LedgerEntry.ownerOf(Path.of("/x/notes.txt"))).isEmpty();
    }
}
