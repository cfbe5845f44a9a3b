package dev.managedbackend.internal.container;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;

import dev.managedbackend.internal.Caller;

/**
 * Whether the app in the container listens on the port Docker maps for it. A connection that is
 * accepted is not enough: Docker's proxy accepts on the host port as soon as the container runs,
 * and closes the connection at once while nothing listens inside. A server, though, holds the
 * connection open waiting for a request (or greets). So: connect, then wait briefly for a read.
 */
final class MappedPort {

    /** How long an accepted connection must stay open to count as a server's. */
    private static final int HOLD_MILLIS = 100;

    private MappedPort() {
    }

    /** Empty if something in the container listens behind {@code host:port}, else what was seen. */
    static Optional<String> listenerProblem(String host, int port, int containerPort) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), 200);
            } catch (IOException e) {
                return Optional.of("port " + port + " on " + host + " is not listening yet (" + e.getMessage() + ")");
            }
            socket.setSoTimeout(HOLD_MILLIS);
            if (socket.getInputStream().read() >= 0) {
                return Optional.empty(); // the server spoke first
            }
        } catch (SocketTimeoutException e) {
            return Optional.empty(); // held open: a server waits for our request
        } catch (IOException e) {
            // reset: nothing behind the proxy either
        }
        return Optional.of("port " + port + " on " + host + " is mapped, but nothing in the container "
                + "listens on " + Caller.current().name("containerPort") + " " + containerPort + " yet");
    }
}
