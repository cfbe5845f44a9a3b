package dev.managedbackend.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.managedbackend.internal.os.ListeningSockets.Ownership;

/** Who holds a listening port, read from /proc: the guard against a stale server looking ready. */
class ListeningSocketsTests {

    private Process child;
    private Process unrelated;

    @AfterEach
    void stopChildren() {
        for (Process process : new Process[] {child, unrelated}) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    @Test
    void aPortNobodyListensOnIsNone() throws IOException {
        int port;
        try (ServerSocket socket = bindLoopback()) {
            port = socket.getLocalPort();
        }

        assertThat(ListeningSockets.of(port, ProcessHandle.current())).isEqualTo(Ownership.NONE);
    }

    @Test
    void aListenerOutsideTheGivenTreeIsForeign() throws IOException {
        unrelated = new ProcessBuilder("sleep", "30").start();
        try (ServerSocket socket = bindLoopback()) {
            assertThat(ListeningSockets.of(socket.getLocalPort(), unrelated.toHandle())).isEqualTo(Ownership.FOREIGN);
            assertThat(ListeningSockets.of(socket.getLocalPort(), ProcessHandle.current())).isEqualTo(Ownership.OURS);
        }
    }

    @Test
    void aListenerInADescendantOfTheGivenProcessIsOurs() throws IOException {
        // sh stays the parent (the command after python keeps it from exec'ing python).
        child = new ProcessBuilder("sh", "-c", "python3 -c '"
                + "import socket, sys, time\n"
                + "s = socket.socket()\n"
                + "s.bind((\"127.0.0.1\", 0))\n"
                + "s.listen()\n"
                + "print(s.getsockname()[1], flush=True)\n"
                + "time.sleep(30)'; true").start();
        int port;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            port = Integer.parseInt(out.readLine().trim());
            assertThat(child.descendants().count()).describedAs("python under sh").isPositive();

            assertThat(ListeningSockets.of(port, child.toHandle())).isEqualTo(Ownership.OURS);
            unrelated = new ProcessBuilder("sleep", "30").start();
            assertThat(ListeningSockets.of(port, unrelated.toHandle())).isEqualTo(Ownership.FOREIGN);
        }
    }

    private static ServerSocket bindLoopback() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }
}
