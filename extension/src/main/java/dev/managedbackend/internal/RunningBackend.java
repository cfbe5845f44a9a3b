package dev.managedbackend.internal;

import java.util.OptionalInt;

import dev.managedbackend.Backend;

/** A started backend that the extension owns: JUnit closes it at the end of its scope. */
public interface RunningBackend extends Backend, AutoCloseable {

    /** Its exit code once it has stopped on its own or been stopped; empty while it runs. */
    OptionalInt exitCode();

    /** Stops it and everything it spawned; safe to call more than once, from any thread. */
    @Override
    void close();
}
