package dev.managedbackend;

import static dev.managedbackend.ContainerModeTests.IMAGE;
import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.internal.os.OwnerTag;

/**
 * What a run prints, in child JVMs ({@link IsolatedRun}) whose whole output is read. The suite's
 * own classpath has no SLF4J provider, as a user's build without logging has none; slf4j-simple
 * is added to a child's classpath where a provider is wanted (its path comes from the pom).
 */
class LoggingTests {

    @TempDir
    Path temp;

    private Process leftover;

    @AfterEach
    void killTheLeftover() {
        if (leftover != null) {
            leftover.destroyForcibly();
        }
    }

    /**
     * A passing run that starts a process backend, a container backend, and first sweeps what a
     * killed JVM left (which loads OSHI): not a line, neither ours nor SLF4J's "no providers".
     */
    @Test
    void aPassingRunWithoutAnSlf4jProviderPrintsNothing() throws Exception {
        Path state = temp.resolve("state");
        leaveADeadJvmsBackend(state);
        IsolatedRun child = child(classPath(), "-Dmanagedbackend.stateDir=" + state);

        assertThat(child.run(ProcessCases.class.getName(), ContainerCases.class.getName()))
                .describedAs("exit code; output:%n%s", child.output()).isZero();

        assertThat(child.outcome(ProcessCases.class).status()).isEqualTo("SUCCESSFUL");
        assertThat(child.outcome(ContainerCases.class).status()).isEqualTo("SUCCESSFUL");
        assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).describedAs("the dead JVM's backend, swept").isTrue();
        assertThat(linesPrinted(child.output())).describedAs("what the child printed").isEmpty();
    }

    @Test
    void withAnSlf4jProviderTheStartStopAndSweepLinesLandThere() throws Exception {
        Path state = temp.resolve("state");
        leaveADeadJvmsBackend(state);
        IsolatedRun child = child(ChildJvm.classPathWithLogging(), "-Dmanagedbackend.stateDir=" + state);

        assertThat(child.run(ProcessCases.class.getName())).describedAs("exit code; output:%n%s", child.output())
                .isZero();

        String output = child.output();
        assertThat(child.outcome(ProcessCases.class).status()).isEqualTo("SUCCESSFUL");
        assertThat(output).containsPattern("INFO dev\\.managedbackend - swept 1 ledger entries of test JVMs that died "
                        + "without stopping their backends: stopped processes \\[" + leftover.pid() + "]")
                .containsPattern("INFO dev\\.managedbackend - backend 'default' ready at http://127\\.0\\.0\\.1:\\d+ in "
                        + "\\d+ ms \\(uvicorn apps\\.hello:app, pid \\d+, log ")
                .containsPattern("INFO dev\\.managedbackend - backend 'default' stopped in \\d+ ms \\(pid \\d+\\)")
                .doesNotContain("SLF4J");
    }

    /** Warnings are not dropped for want of a provider: they mean something needs a look. */
    @Test
    void withoutAProviderWarningsStillReachStandardError() throws Exception {
        Path state = Files.createDirectories(temp.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx")); // repaired, with a warning
        IsolatedRun child = child(classPath(), "-Dmanagedbackend.stateDir=" + state);

        assertThat(child.run(ProcessCases.class.getName())).isZero();

        assertThat(child.outcome(ProcessCases.class).status()).isEqualTo("SUCCESSFUL");
        assertThat(linesPrinted(child.output())).singleElement().asString()
                .startsWith("WARN managed-backend: ").contains(state.toString()).doesNotContain("SLF4J");
    }

    /** SLF4J's own report is quieted only while nobody asked for it (here OSHI sets it off). */
    @Test
    void aUserWhoSetsSlf4jsVerbosityGetsItsReport() throws Exception {
        Path state = temp.resolve("state");
        leaveADeadJvmsBackend(state);
        IsolatedRun child = child(classPath(), "-Dmanagedbackend.stateDir=" + state, "-Dslf4j.internal.verbosity=WARN");

        assertThat(child.run(ProcessCases.class.getName())).isZero();

        assertThat(child.output()).contains("SLF4J(W): No SLF4J providers were found.")
                .doesNotContain("backend 'default'");
    }

    private IsolatedRun child(String classPath, String... jvmArgs) {
        return new IsolatedRun(classPath, temp, List.of(jvmArgs));
    }

    /** The suite's classpath: slf4j-simple is not on it (see the surefire configuration). */
    private static String classPath() {
        String classPath = System.getProperty("java.class.path");
        assertThat(classPath).describedAs("the suite's classpath").doesNotContain("slf4j-simple");
        return classPath;
    }

    /** A ledger entry of a dead test JVM whose backend (a tagged sleep) still runs. */
    private void leaveADeadJvmsBackend(Path state) throws Exception {
        String tag = LedgerSweepTests.uniqueTag("logging");
        ProcessBuilder builder = new ProcessBuilder("sleep", "300");
        builder.environment().put(OwnerTag.VARIABLE, tag);
        leftover = builder.start();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        LedgerSweepTests.writeEntry(state, gone.pid(), 4242, tag, leftover.pid(), LedgerSweepTests.startOf(leftover.pid()));
    }

    /**
     * The child's output lines, less the JVM's own notes on native access (JDK 24 and later say
     * so when JNA, under OSHI, loads its library): those are the JDK's, not ours.
     */
    private static List<String> linesPrinted(String output) {
        return output.lines().filter(line -> !line.isBlank())
                .filter(line -> !line.matches("WARNING: (A restricted method|java\\.lang\\.System::load|Use "
                        + "--enable-native-access|Restricted methods will be blocked).*"))
                .collect(Collectors.toList());
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class ProcessCases {

        @Test
        void answers(@BackendUrl URI url) {
            assertThat(Http.get(url + "/health").status()).isEqualTo(200);
        }
    }

    @ManagedBackend(image = IMAGE)
    static class ContainerCases {

        @Test
        void answers(@BackendUrl URI url) {
            assertThat(Http.get(url + "/health").status()).isEqualTo(200);
        }
    }
}
