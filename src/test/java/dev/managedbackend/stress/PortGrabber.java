package dev.managedbackend.stress;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A foreign program that keeps taking ports in the stress range: binds random ones, holds each
 * for a while, lets it go, forever. It knows nothing of managed-backend's leases, like any
 * other program on a CI host. Prints how many ports it grabbed when stdin closes.
 */
public final class PortGrabber {

    private static final int HELD = 5;

    public static void main(String[] args) throws Exception {
        int from = Integer.parseInt(args[0]);
        int to = Integer.parseInt(args[1]);
        long[] grabbed = {0};
        Thread stopper = new Thread(() -> {
            try {
                System.in.read();
            } catch (IOException ignored) {
                // stdin closed: stop
            }
            System.out.println("grabbed=" + grabbed[0]);
            System.exit(0);
        });
        stopper.start();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        // Up to HELD ports at a time, each for 20-100 ms: about 5% of the range is taken at any
        // moment, so some servers lose the race for their port and must be restarted elsewhere.
        Deque<ServerSocket> held = new ArrayDeque<>();
        while (true) {
            int port = ThreadLocalRandom.current().nextInt(from, to + 1);
            ServerSocket socket = new ServerSocket();
            try {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(loopback, port));
                held.add(socket);
                grabbed[0]++;
            } catch (IOException busy) {
                socket.close(); // in use by a backend: try another
            }
            if (held.size() >= HELD) {
                held.poll().close();
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(4, 20));
        }
    }
}
