package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.RunningBackend;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * A detached backend (the command line's {@code start}): handed over to itself once ready, it is
 * no longer this JVM's to stop, its ledger entry is owned by its own root process (so the sweep of
 * dead owners leaves it alone while it runs), {@link DetachedBackends} finds it and stops it by its
 * tag, and once its root is gone the sweep takes what is left of it. The command line's end-to-end
 * tests (cli/) show the same across JVMs.
 */
@ExtendWith(OwnProcesses.class)
class DetachedBackendTests {

    private static final Path STATE = Path.of(System.getProperty(ManagedBackend.STATE_DIR_PROPERTY_NAME));

    @Test
    void aDetachedBackendOutlivesItsHandleIsFoundAndIsStoppedByIdentity() throws Exception {
        String name = "detached-" + System.nanoTime();
        Backend backend = BackendBuilder.app("apps.hello:app").dir(DIR).name(name).start();
        long pid = backend.pid().getAsLong();
        try {
            ((RunningBackend) backend).detach();
            backend.close(); // lets go of it: no stop

            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
            DetachedBackends.Found found = find(name);
            assertThat(found.alive()).isTrue();
            assertThat(found.pid()).isEqualTo(pid);
            assertThat(found.pgid()).isEqualTo(pid);
            assertThat(found.url()).isEqualTo(backend.baseUrl().toString());
            assertThat(found.healthPath()).isEqualTo("/health");
            assertThat(found.logFile()).isEqualTo(backend.logFile());
            String rootIdentity = JvmIdentity.ofProcess(pid, ProcessIdentity.startOf(pid).getAsLong());
            assertThat(found.entry().getFileName().toString()).isEqualTo(rootIdentity + "-detached.entry");
            assertThat(Files.readString(found.entry())).contains("detached=true", "owner=" + rootIdentity);
            assertThat(CrashGuard.sweepPreview(STATE)).noneMatch(line -> line.contains(name));

            List<ProcessHandle> left = DetachedBackends.stop(found, Duration.ofSeconds(10));

            assertThat(left).isEmpty();
            assertThat(OwnProcesses.isAlive(pid)).isFalse();
            assertThat(found.entry()).doesNotExist();
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void whatADetachedBackendLeavesWhenItsRootDiesIsSweptByItsTag() throws Exception {
        String name = "detached-" + System.nanoTime();
        Path pidFile = Files.createTempFile("detached", ".pid");
        Backend backend = BackendBuilder.command("sh", "-c", "sleep 300 & echo $! > " + pidFile
                + "; exec python3 -m http.server {port} --bind {host}").dir(DIR).name(name).healthPath("/").start();
        long root = backend.pid().getAsLong();
        long sleep = Long.parseLong(Files.readString(pidFile).strip());
        try {
            ((RunningBackend) backend).detach();
            ProcessHandle.of(root).orElseThrow().destroyForcibly();
            CrashTeardownTests.awaitTrue(() -> !OwnProcesses.isAlive(root), Duration.ofSeconds(5), () -> "root gone");
            assertThat(find(name).alive()).isFalse();
            assertThat(CrashGuard.sweepPreview(STATE)).anyMatch(line -> line.contains("detached backend '" + name + "'")
                    && line.endsWith("would stop processes [" + sleep + "]"));

            var result = CrashGuard.sweepNow(STATE);

            assertThat(result.stopped()).contains(sleep);
            assertThat(result.swept()).anyMatch(line -> line.startsWith("detached backend '" + name + "' (pid " + root));
            assertThat(OwnProcesses.isAlive(sleep)).isFalse();
            assertThat(DetachedBackends.list(STATE)).noneMatch(found -> found.name().equals(name));
        } finally {
            ProcessHandle.of(root).ifPresent(ProcessHandle::destroyForcibly);
            ProcessHandle.of(sleep).ifPresent(ProcessHandle::destroyForcibly);
            Files.deleteIfExists(pidFile);
        }
    }

    private static DetachedBackends.Found find(String name) throws Exception {
        return DetachedBackends.list(STATE).stream().filter(found -> found.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no detached backend " + name + " in " + STATE));
    }
}
