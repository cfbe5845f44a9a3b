package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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

        assertThat(EnvFile.set(file, "API", "http://127.0.0.1:23456")).isTrue();

        assertThat(Files.readString(file)).isEqualTo("# comment\nAPI=http://127.0.0.1:23456\n  export "
                + "API=http://127.0.0.1:23456\nAPI_V2=keep\n\nOTHER=\"a b\"\n");
    }

    @Test
    void addsAMissingKeyAtTheEndAndKeepsWindowsLineEndingsAndPermissions() throws Exception {
        Path file = temp.resolve(".env");
        Files.writeString(file, "A=1\r\nB=2\r\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThat(EnvFile.set(file, "BACKEND_URL", "http://x:1")).isFalse();

        assertThat(Files.readString(file)).isEqualTo("A=1\r\nB=2\r\nBACKEND_URL=http://x:1\r\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(temp)).containsExactly(file); // no temporary file left
    }

    @Test
    void createsTheFileAndItsFolderAndWritesThroughALink() throws Exception {
        Path created = temp.resolve("web/.env.local");
        EnvFile.set(created, "K", "v");
        assertThat(Files.readString(created)).isEqualTo("K=v\n");

        Path shared = Files.writeString(temp.resolve("shared.env"), "X=1\n");
        Path link = Files.createSymbolicLink(temp.resolve("link.env"), shared);
        EnvFile.set(link, "X", "2");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(shared)).isEqualTo("X=2\n");
    }
}
