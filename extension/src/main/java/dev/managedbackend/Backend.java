package dev.managedbackend;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A started backend, injectable by type into tests ({@code void t(Backend backend)}) when the
 * test has exactly one; use {@link Backends} when it has several.
 */
public interface Backend {

    /** {@return the {@link ManagedBackend#name() name} it was declared with} */
    String name();

    /** {@return the base URL, without a trailing slash, e.g. {@code http://127.0.0.1:41234}} */
    URI baseUrl();

    /** {@return the host tests reach it at, e.g. {@code 127.0.0.1}} */
    String host();

    /** {@return the port tests reach it at} */
    int port();

    /** {@return the pid of the process the extension started (process mode); empty in container mode} */
    OptionalLong pid();

    /** {@return the container id (container mode); empty in process mode} */
    Optional<String> containerId();

    /** {@return where the backend's stdout and stderr go; failure messages name this file too} */
    Path logFile();

    /** {@return whether the process or container is still alive} */
    boolean isRunning();
}
