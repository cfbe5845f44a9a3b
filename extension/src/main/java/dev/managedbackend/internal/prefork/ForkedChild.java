package dev.managedbackend.internal.prefork;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * A backend a template forked. It is the JVM's grandchild, not a {@link Process}: its exit code
 * is what its template, which reaps it, reported. That report belongs to this child, not to its
 * pid: a later child of the same template may get the same pid again.
 */
public final class ForkedChild {

    /** The exit code of a child that ended while its template was gone: nobody could tell. */
    public static final int UNKNOWN_EXIT_CODE = -1;
    /** The template reaps a child at once; its report follows within milliseconds. */
    private static final Duration EXIT_REPORT = Duration.ofSeconds(1);

    private final ProcessHandle handle;
    private final Template template;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

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

    /** Its template reaped it. */
    void exited(int code) {
        exit.complete(code);
    }

    /** Whether it runs; a zombie its template has not reaped yet has ended. */
    public boolean isRunning() {
        return !exit.isDone() && ProcessIdentity.isRunning(handle);
    }

    /** Its exit code once it has ended, as its template reported it; empty while it runs. */
    public OptionalInt exitCode() {
        if (!exit.isDone() && ProcessIdentity.isRunning(handle)) {
            return OptionalInt.empty();
        }
        try {
            // either the report comes, or the template's end says none will
            CompletableFuture.anyOf(exit, template.ended()).get(EXIT_REPORT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // no report: unknown
        }
        return OptionalInt.of(exit.getNow(UNKNOWN_EXIT_CODE));
    }
}
