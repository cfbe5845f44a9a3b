package dev.managedbackend.internal;

import dev.managedbackend.Backend;

/** A started backend that the extension owns: JUnit closes it at the end of its scope. */
public interface RunningBackend extends Backend, AutoCloseable {

    /** Stops it and everything it spawned; safe to call more than once, from any thread. */
    @Override
    void close();
}
