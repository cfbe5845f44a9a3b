package dev.managedbackend.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The JVM identity: its parts read back, it differs between JVMs that share pid, boot and
 * namespace by chance (the random part), and a JVM is provably gone only where its processes
 * can be seen: this boot and this pid namespace.
 */
class JvmIdentityTests {

    @Test
    void readsBackItsParts() {
        JvmIdentity.Self self = JvmIdentity.parse(JvmIdentity.self()).orElseThrow();
        assertThat(self.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(self.start()).isEqualTo(ProcessIdentity.selfStart());
        assertThat(self.boot()).isEqualTo(ProcessIdentity.boot());
        assertThat(self.pidNamespace()).isEqualTo(JvmIdentity.pidNamespace()).matches("[1-9][0-9]*");
        assertThat(self.random()).matches("[0-9a-f]{12}");
        assertThat(JvmIdentity.self()).matches("[0-9a-f-]+");
        assertThat(JvmIdentity.parse("1-2-3")).isEmpty();
        assertThat(JvmIdentity.parse("0a1b2c3d-1-2-3-xyz")).describedAs("not hex").isEmpty();
    }

    @Test
    void anotherJvmHasAnotherIdentityEvenWithEverythingElseEqual() throws Exception {
        String other = identityOfAnotherJvm();
        JvmIdentity.Self parsed = JvmIdentity.parse(other).orElseThrow();
        assertThat(other).isNotEqualTo(JvmIdentity.self());
        // the same JVM pid and start in another namespace or host would differ by its random part alone
        assertThat(new JvmIdentity.Self(parsed.boot(), parsed.pidNamespace(), ProcessHandle.current().pid(),
                ProcessIdentity.selfStart(), parsed.random()).toString()).isNotEqualTo(JvmIdentity.self());
    }

    @Test
    void provablyGoneOnlyInThisBootAndPidNamespace() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String boot = ProcessIdentity.boot();
        String here = JvmIdentity.pidNamespace();
        assertThat(JvmIdentity.isProvablyGone(new JvmIdentity.Self(boot, here, gone.pid(), 1, "5eed").toString()))
                .isTrue();
        assertThat(JvmIdentity.isProvablyGone(JvmIdentity.self())).describedAs("this JVM").isFalse();
        assertThat(JvmIdentity.isProvablyGone(new JvmIdentity.Self(boot, "1", gone.pid(), 1, "5eed").toString()))
                .describedAs("another pid namespace").isFalse();
        assertThat(JvmIdentity.isProvablyGone(new JvmIdentity.Self("01234567", here, gone.pid(), 1, "5eed").toString()))
                .describedAs("another host or boot").isFalse();
    }

    /** Starts a JVM that prints its identity. */
    private static String identityOfAnotherJvm() throws IOException, InterruptedException {
        Process java = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), PrintIdentity.class.getName()).redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(java.waitFor()).describedAs(out).isZero();
        return out.lines().reduce((first, last) -> last).orElseThrow();
    }

    /** Prints this JVM's identity. */
    static final class PrintIdentity {
        public static void main(String[] args) {
            System.out.println(JvmIdentity.self());
        }
    }
}
