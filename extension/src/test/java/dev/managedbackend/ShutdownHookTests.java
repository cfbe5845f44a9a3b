package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A test JVM that ends without JUnit closing its backends ({@code System.exit} in a test,
 * SIGTERM to the JVM) still stops them, through the JVM shutdown hook. Each case runs in a child
 * JVM, {@link Main}, which runs one fixture through the JUnit launcher.
 */
@ExtendWith(OwnProcesses.class)
class ShutdownHookTests {

    private static final String PID_FILE = "managedbackend.test.pidFile";

    @Test
    void systemExitInATestStopsTheBackend(@TempDir Path temp) throws Exception {
        Path pidFile = temp.resolve("backend.pid");
        Process child = ChildJvm.start(Main.class, temp.resolve("child.log"), ExitingCases.class.getName(),
                pidFile.toString());

        assertThat(child.waitFor(60, TimeUnit.SECONDS)).describedAs("child JVM exited").isTrue();
        assertThat(child.exitValue()).describedAs(log(temp)).isZero();
        long backendPid = Long.parseLong(Files.readString(pidFile));
        assertThat(OwnProcesses.isAlive(backendPid)).describedAs("backend after System.exit").isFalse();
        assertThat(OwnProcesses.ownedBy(child.pid())).isEmpty();
    }

    @Test
    void sigtermToTheJvmStopsTheBackend(@TempDir Path temp) throws Exception {
        Path pidFile = temp.resolve("backend.pid");
        Process child = ChildJvm.start(Main.class, temp.resolve("child.log"), SleepingCases.class.getName(),
                pidFile.toString());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(pidFile) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(pidFile).describedAs(log(temp)).exists();
            long backendPid = Long.parseLong(Files.readString(pidFile));
            assertThat(OwnProcesses.isAlive(backendPid)).isTrue();

            child.destroy(); // SIGTERM

            assertThat(child.waitFor(30, TimeUnit.SECONDS)).describedAs("child JVM exited").isTrue();
            assertThat(child.exitValue()).describedAs("exit code of a JVM ended by SIGTERM").isEqualTo(143);
            assertThat(OwnProcesses.isAlive(backendPid)).describedAs("backend after SIGTERM").isFalse();
            assertThat(OwnProcesses.ownedBy(child.pid())).isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }

    private static String log(Path temp) throws IOException {
        Path log = temp.resolve("child.log");
        return "child JVM output:\n" + (Files.exists(log) ? Files.readString(log) : "(none)");
    }

    /** Records the backend's pid where the parent can read it, written whole or not at all. */
    static void recordPid(Backend backend) throws IOException {
        Path pidFile = Path.of(System.getProperty(PID_FILE));
        Path partial = pidFile.resolveSibling(pidFile.getFileName() + ".partial");
        Files.writeString(partial, Long.toString(backend.pid().getAsLong()));
        Files.move(partial, pidFile, StandardCopyOption.ATOMIC_MOVE);
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class ExitingCases {
        @Test
        void exit(Backend backend) throws IOException {
            recordPid(backend);
            System.exit(0);
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class SleepingCases {
        @Test
        void sleep(Backend backend) throws Exception {
            recordPid(backend);
            Thread.sleep(60_000);
        }
    }

    /** The child JVM: runs the fixture class named by {@code args[0]}; {@code args[1]} is the pid file. */
    static final class Main {
        public static void main(String[] args) throws ClassNotFoundException {
            System.setProperty(PID_FILE, args[1]);
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(Class.forName(args[0]))).build());
            System.exit(2); // the fixtures never get here: they exit or are killed first
        }
    }
}
