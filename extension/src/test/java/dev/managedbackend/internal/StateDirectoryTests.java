package dev.managedbackend.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.OtherUser;
import dev.managedbackend.SharedTmpFolder;

/**
 * Where the state folder goes by default: {@code $XDG_RUNTIME_DIR} only where it meets the XDG
 * rules, else under the home folder, which for a uid without a passwd entry is {@code $HOME}.
 * The folders live under {@code /tmp}, where the second user ({@link OtherUser}) can make its own.
 */
class StateDirectoryTests {

    private static final String HOME = "/home/tester";

    @RegisterExtension
    final SharedTmpFolder base = new SharedTmpFolder("mb-state-dir-");


    @Test
    void aRuntimeFolderThatMeetsTheXdgRulesIsUsed() throws IOException {
        Path runtime = ownerOnly(base.path().resolve("runtime"));

        assertThat(StateDirectory.defaultLocation(Map.of("XDG_RUNTIME_DIR", runtime.toString()), HOME))
                .isEqualTo(runtime.resolve("managed-backend"));
    }

    /** An image's {@code /tmp/runtime-$USER}, made by someone else before us. */
    @Test
    void aRuntimeFolderOfAnotherUserIsNotUsed() throws Exception {
        Path runtime = OtherUser.get().owns(ownerOnly(base.path().resolve("runtime-root")));

        assertThat(StateDirectory.defaultLocation(Map.of("XDG_RUNTIME_DIR", runtime.toString()), HOME))
                .isEqualTo(Path.of(HOME, ".cache", "managed-backend"));
    }

    @Test
    void aRuntimeFolderInsideAFolderOfAnotherUserIsNotUsed() throws Exception {
        Path theirs = OtherUser.get().owns(Files.createDirectory(base.path().resolve("theirs")));
        Path runtime = ownerOnly(theirs.resolve("runtime"));

        assertThat(StateDirectory.defaultLocation(Map.of("XDG_RUNTIME_DIR", runtime.toString()), HOME))
                .isEqualTo(Path.of(HOME, ".cache", "managed-backend"));
    }

    @Test
    void aRuntimeFolderThatIsOpenRelativeOrALinkIsNotUsed() throws IOException {
        Path open = Files.createDirectory(base.path().resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(base.path().resolve("link"), ownerOnly(base.path().resolve("real")));
        Path home = Path.of(HOME, ".cache", "managed-backend");

        for (String runtime : List.of(open.toString(), "runtime", link.toString(), "")) {
            assertThat(StateDirectory.defaultLocation(Map.of("XDG_RUNTIME_DIR", runtime), HOME))
                    .describedAs("XDG_RUNTIME_DIR=%s", runtime).isEqualTo(home);
        }
    }

    @Test
    void aUidWithoutAPasswdEntryUsesHome() {
        assertThat(StateDirectory.defaultLocation(Map.of("HOME", "/work/home"), "?"))
                .isEqualTo(Path.of("/work/home", ".cache", "managed-backend"));
    }

    @Test
    void aUidWithoutAPasswdEntryAndWithoutHomeFailsSayingWhatToSet() {
        assertThatThrownBy(() -> StateDirectory.defaultLocation(Map.of(), "?"))
                .isExactlyInstanceOf(BackendStartException.class)
                .hasMessage("managed-backend found no place for its state folder: user.home is \"?\" (uid 0 has no "
                        + "passwd entry, as in a container run with --user) and $HOME is unset. Set HOME to a folder "
                        + "of yours, or XDG_RUNTIME_DIR to a private one (mode 700), or "
                        + "-Dmanagedbackend.stateDir=<a folder of yours>.");
        assertThatThrownBy(() -> StateDirectory.defaultLocation(Map.of("HOME", "."), "?"))
                .hasMessageContaining("$HOME is \".\", not an absolute path");
    }

    /**
     * The real thing: a JVM run as a uid that has no passwd entry ({@code docker run --user}),
     * for which Java sets {@code user.home} to "?". The state folder must never land in
     * {@code ./?/.cache} under the working folder.
     */
    @Test
    void aJvmOfAUidWithoutAPasswdEntryPutsItsStateUnderHomeOrSaysWhy() throws Exception {
        OtherUser nobody = OtherUser.withoutPasswd();
        Path home = nobody.owns(ownerOnly(base.path().resolve("home")));
        String classPath = readableClassPath();

        OtherUser.Result withHome = nobody.run(List.of("HOME=" + home), java(), "-XX:-UsePerfData", "-cp", classPath,
                PrintStateFolder.class.getName());
        OtherUser.Result withoutHome = nobody.run(List.of(), java(), "-XX:-UsePerfData", "-cp", classPath,
                PrintStateFolder.class.getName());

        assertThat(withHome.output().strip()).describedAs("with HOME: %s", withHome)
                .isEqualTo("user.home=? state=" + home.resolve(".cache").resolve("managed-backend"));
        assertThat(withoutHome.output().strip()).describedAs("without HOME: %s", withoutHome)
                .isEqualTo("user.home=? failed: managed-backend found no place for its state folder: user.home is "
                        + "\"?\" (uid " + OtherUser.UID_WITHOUT_PASSWD + " has no passwd entry, as in a container run "
                        + "with --user) and $HOME is unset. Set HOME to a folder of yours, or XDG_RUNTIME_DIR to a "
                        + "private one (mode 700), or -Dmanagedbackend.stateDir=<a folder of yours>.");
    }

    /** Prints where the state folder would be, for the JVM above. */
    static final class PrintStateFolder {
        public static void main(String[] args) {
            String prefix = "user.home=" + System.getProperty("user.home") + " ";
            try {
                System.out.println(prefix + "state=" + StateDirectory.defaultLocation());
            } catch (BackendStartException e) {
                System.out.println(prefix + "failed: " + e.getMessage());
            }
        }
    }

    private static Path ownerOnly(Path dir) throws IOException {
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The classes this needs, where another uid can read them: the jars of the local Maven
     * repository (under root's home, mode 700) are copied next to the test.
     */
    private String readableClassPath() throws IOException {
        Path jars = Files.createDirectory(base.path().resolve("jars"));
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                entries.add(entry);
            } else if (path.getFileName().toString().startsWith("slf4j-api")) {
                Path copy = Files.copy(path, jars.resolve(path.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
