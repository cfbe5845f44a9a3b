package dev.managedbackend.internal;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.prefork.ForkedChild;

/**
 * The process at the root of a process-mode backend's tree: either launched by this JVM, which
 * holds it (a {@link Process}: its pid cannot be reused while held, and the JVM learns its exit
 * code), or forked by a prefork template, the JVM's grandchild, whose exit code the template
 * reports and which counts as ours only by its tag.
 */
interface RootProcess {

    Duration REAP_WAIT = Duration.ofSeconds(1);

    ProcessHandle handle();

    boolean isRunning();

    /** Its exit code once it has ended; empty while it runs. */
    OptionalInt exitCode();

    /** Whether this JVM launched and holds it. */
    boolean isHeld();

    /**
     * After a stop, waits (a bounded wait) until whoever reaps it has done so, so that its pid is
     * gone when the stop returns: a zombie still counts as alive for {@link ProcessHandle#isAlive()}.
     */
    void awaitReaped();

    static RootProcess launched(Process process) {
        return new RootProcess() {
            @Override
            public ProcessHandle handle() {
                return process.toHandle();
            }

            @Override
            public boolean isRunning() {
                // a child that was killed is a zombie until the JDK reaps it, and runs no code meanwhile
                return process.isAlive() && ProcessIdentity.isRunning(process.toHandle());
            }

            @Override
            public OptionalInt exitCode() {
                return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
            }

            @Override
            public boolean isHeld() {
                return true;
            }

            @Override
            public void awaitReaped() {
                try {
                    process.waitFor(REAP_WAIT.toMillis(), TimeUnit.MILLISECONDS); // the JDK reaps at once
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    static RootProcess forked(ForkedChild child) {
        return new RootProcess() {
            @Override
            public ProcessHandle handle() {
                return child.handle();
            }

            @Override
            public boolean isRunning() {
                return child.isRunning();
            }

            @Override
            public OptionalInt exitCode() {
                return child.exitCode();
            }

            @Override
            public boolean isHeld() {
                return false;
            }

            @Override
            public void awaitReaped() {
                child.exitCode(); // its template reaps it and reports the exit
            }
        };
    }
}
