package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.ProcessGroups;

/**
 * Measures what crash safety costs on the normal path; not a test (run it by hand, from
 * {@code extension/} after {@code mvn test-compile}, with {@code VIRTUAL_ENV} set):
 * {@code java -cp target/test-classes:target/classes:<deps> dev.managedbackend.CrashGuardCost [rounds]}.
 *
 * <p>Prints the parts (first use of the guard in a JVM, the watchdog's start, one ledger entry
 * and watchdog line per backend, the process-group scan of a stop, setsid's extra exec) and the
 * whole: time from the start of a test class until its test receives the backend, with the
 * guard on and off, alternating, in one warm JVM.
 */
public final class CrashGuardCost {

    private CrashGuardCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path temp = Files.createTempDirectory("crash-guard-cost");
        Map<String, String> config = Map.of(ManagedBackend.STATE_DIR_PROPERTY_NAME, temp.resolve("state").toString(),
                ManagedBackend.LOG_DIR_PROPERTY_NAME, temp.resolve("logs").toString());
        config.forEach(System::setProperty);
        Settings settings = Settings.from(new Config(key -> java.util.Optional.ofNullable(config.get(key))));

        // Warm up what every backend start needs anyway (JUnit, the extension, logging, process
        // spawning), with the guard off, so the numbers below are the guard's own.
        Launcher launcher = LauncherFactory.create();
        System.setProperty(CrashGuard.ENABLED_PROPERTY, "false");
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Fixture.class)).build());
        System.setProperty(CrashGuard.ENABLED_PROPERTY, "true");
        Settings fresh = Settings.from(new Config(key -> java.util.Optional.ofNullable(
                key.equals(ManagedBackend.STATE_DIR_PROPERTY_NAME) ? temp.resolve("fresh").toString() : config.get(key))));

        long t = System.nanoTime();
        CrashGuard guard = CrashGuard.get(fresh.stateDir(), fresh.logDir());
        report("first use in a JVM, cold classes (ledger folder, listing, nothing to sweep)", System.nanoTime() - t);

        t = System.nanoTime();
        CrashGuard.Registration registration = guard.reserve("cost", OwnerTag.of("cost"), List.of("sleep", "60"));
        report("first backend, before its spawn: ledger entry + watchdog line + waiting for the watchdog's spawn",
                System.nanoTime() - t);
        Process first = new ProcessBuilder("sleep", "60").start();
        t = System.nanoTime();
        registration.launched(first.toHandle(), false);
        report("  ... and after it: the entry completed with the pid", System.nanoTime() - t);
        registration.close();
        first.destroyForcibly();

        long[] watch = new long[50];
        long[] forget = new long[50];
        Process other = new ProcessBuilder("sleep", "60").start();
        for (int i = 0; i < watch.length; i++) {
            t = System.nanoTime();
            CrashGuard.Registration r = guard.reserve("cost", OwnerTag.of("cost"), List.of("sleep", "60"));
            r.launched(other.toHandle(), false);
            watch[i] = System.nanoTime() - t;
            t = System.nanoTime();
            r.close();
            forget[i] = System.nanoTime() - t;
        }
        other.destroyForcibly();
        report("each later backend start: ledger entry, watchdog line, entry completed (median of 50)", median(watch));
        report("each backend stop: ledger delete + watchdog line (median of 50)", median(forget));

        long[] scan = new long[50];
        for (int i = 0; i < scan.length; i++) {
            t = System.nanoTime();
            ProcessGroups.members(ProcessHandle.current().pid(), "cost");
            scan[i] = System.nanoTime() - t;
        }
        report("each stop: one process-group scan of /proc, done twice per stop (median of 50, "
                + ProcessHandle.allProcesses().count() + " processes)", median(scan));

        long[] direct = new long[30];
        long[] grouped = new long[30];
        for (int i = 0; i < direct.length; i++) {
            direct[i] = spawn(List.of("/bin/true"));
            grouped[i] = spawn(ProcessGroups.inOwnGroup(List.of("/bin/true"), Path.of("."), System.getenv(),
                    java.util.Optional.empty())
                    .orElseThrow());
        }
        report("spawn and exit of /bin/true (median of 30)", median(direct));
        report("spawn and exit of setsid /bin/true (median of 30)", median(grouped));

        List<Long> on = new ArrayList<>();
        List<Long> off = new ArrayList<>();
        for (int i = 0; i < rounds + 2; i++) { // two warm-up rounds each
            for (boolean enabled : new boolean[] {true, false}) {
                System.setProperty(CrashGuard.ENABLED_PROPERTY, Boolean.toString(enabled));
                Fixture.classStarted = System.nanoTime();
                launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Fixture.class)).build());
                if (Fixture.received < Fixture.classStarted) {
                    throw new IllegalStateException("the fixture's backend did not start (is VIRTUAL_ENV set to a "
                            + "venv with uvicorn?); nothing to measure");
                }
                if (i >= 2) {
                    (enabled ? on : off).add(Fixture.received - Fixture.classStarted);
                }
            }
        }
        System.out.printf("time to ready of uvicorn apps.hello:app, %d rounds: guard on median %.1f ms, off %.1f ms%n",
                rounds, median(on.stream().mapToLong(Long::longValue).toArray()) / 1e6,
                median(off.stream().mapToLong(Long::longValue).toArray()) / 1e6);
        System.out.println("tag check: " + OwnerTag.VARIABLE + "=" + OwnerTag.of("default"));
        System.exit(0);
    }

    private static long spawn(List<String> command) throws Exception {
        long t = System.nanoTime();
        new ProcessBuilder(command).start().waitFor();
        return System.nanoTime() - t;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void report(String what, long nanos) {
        System.out.printf("%-100s %8.3f ms%n", what, nanos / 1e6);
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class Fixture {
        static volatile long classStarted;
        static volatile long received;

        @Test
        void ready(Backend backend) {
            received = System.nanoTime();
        }
    }
}
