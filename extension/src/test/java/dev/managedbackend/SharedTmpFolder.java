package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A folder of the test under {@code /tmp}, made before each test and removed after it, that the second
 * user ({@link OtherUser}) can enter but not write: what a test then sees refused is refused for the rule
 * under test, not for lack of access. Unlike {@code @TempDir}, it is reachable by that user, and it is
 * removed with {@code rm -rf} because the attacker leaves files of theirs in it.
 */
public final class SharedTmpFolder implements BeforeEachCallback, AfterEachCallback {

    private final String prefix;
    private Path path;

    public SharedTmpFolder(String prefix) {
        this.prefix = prefix;
    }

    /** The folder of the current test. */
    public Path path() {
        return path;
    }

    /** {@code name} in the folder with {@code content}, mode 600: a file of root's that an attack must not reach. */
    public Path ownerOnlyFile(String name, String content) throws IOException {
        Path file = Files.writeString(path.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        path = Files.createTempDirectory(Path.of("/tmp"), prefix);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("rm", "-rf", "--", path.toString()).inheritIO().start().waitFor())
                .describedAs("rm -rf %s", path).isZero();
    }
}
