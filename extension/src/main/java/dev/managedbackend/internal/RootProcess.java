package dev.managedbackend.internal;

import java.util.OptionalInt;

import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.prefork.ForkedChild;

/**
 * The process at the root of a process-mode backend's tree: either launched by this JVM, which
 * holds it (a {@link Process}: its pid cannot be reused while held, and the JVM learns its exit
 * code), or forked by a prefork template, the JVM's grandchild, whose exit code the template
 * reports and which counts as ours only by its tag.
 */
interface RootProcess {

    ProcessHandle handle();

    boolean isRunning();

    /** Its exit code once it has ended; empty while it runs. */
    OptionalInt exitCode();

    /** Whether this JVM launched and holds it. */
    boolean isHeld();

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
        };
    }
}
