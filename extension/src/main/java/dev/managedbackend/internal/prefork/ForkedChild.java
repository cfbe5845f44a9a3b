package dev.managedbackend.internal.prefork;

import java.time.Duration;
import java.util.OptionalInt;

import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * A backend a template forked. It is the JVM's grandchild, not a {@link Process}: its exit code
 * is what its template, which reaps it, reported.
 */
public final class ForkedChild {

    /** The exit code of a child that ended while its template was gone: nobody could tell. */
    public static final int UNKNOWN_EXIT_CODE = -1;
    /** The template reaps a child at once; its report follows within milliseconds. */
    private static final Duration EXIT_REPORT = Duration.ofSeconds(1);

    private final Template template;
    private final ProcessHandle handle;

    ForkedChild(Template template, ProcessHandle handle) {
        this.template = template;
        this.handle = handle;
    }

    public ProcessHandle handle() {
        return handle;
    }

    public Template template() {
        return template;
    }

    /** Whether it runs; a zombie its template has not reaped yet has ended. */
    public boolean isRunning() {
        return template.exitOf(handle.pid()) == null && ProcessIdentity.isRunning(handle);
    }

    /** Its exit code once it has ended, as its template reported it; empty while it runs. */
    public OptionalInt exitCode() {
        Integer code = template.exitOf(handle.pid());
        if (code == null && ProcessIdentity.isRunning(handle)) {
            return OptionalInt.empty();
        }
        if (code == null) {
            code = template.awaitExitOf(handle.pid(), EXIT_REPORT);
        }
        return OptionalInt.of(code == null ? UNKNOWN_EXIT_CODE : code);
    }
}
