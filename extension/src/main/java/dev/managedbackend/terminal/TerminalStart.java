package dev.managedbackend.terminal;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import dev.managedbackend.internal.Caller;

/**
 * {@code BackendBuilder.start()} for the command line: the same start, but its messages name what
 * was wrong in the command line's words ({@code --dir app}, relative to the current directory),
 * not in Java's ({@code dir = "app"}, relative to the test JVM's working directory).
 */
public final class TerminalStart {

    private TerminalStart() {
    }

    /** Starts what {@code builder} describes and waits until it is ready, as {@link BackendBuilder#start()}. */
    public static Backend start(BackendBuilder builder) {
        return Caller.terminal(builder::start);
    }
}
