package dev.managedbackend.terminal;

import java.util.Optional;

import dev.managedbackend.internal.PortAllocator;
import dev.managedbackend.internal.os.PortHolder;

/** Who holds a TCP port, answered as the library answers it when a fixed port is taken. Never signals anything. */
public final class PortOwner {

    private PortOwner() {
    }

    /**
     * True when the port binds on the wildcard and the loopback address: no IPv4 listener, answered
     * without the scan of sockets that {@link #of} may need.
     */
    public static boolean isFree(int port) {
        return PortAllocator.canBind("0.0.0.0", port) && PortAllocator.canBind("127.0.0.1", port);
    }

    /**
     * E.g. "pid 4242 (python3 -m http.server 8000), user alice, running for 3 min: a foreign process,
     * ..."; empty if no process that this user can see listens on {@code port}.
     */
    public static Optional<String> of(int port) {
        return PortHolder.find(port);
    }
}
