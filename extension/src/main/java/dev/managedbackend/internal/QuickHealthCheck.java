package dev.managedbackend.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One {@code GET} of a backend's health path over a plain socket, for the check that a reused
 * backend still answers: only its status code is read. Not {@link HealthClient}, whose JDK client
 * costs 0.45-0.65 s on its first use in a new JVM (measured here), where this costs 2-4 ms, and
 * getting a reused backend back should cost about as much as one GET. HTTP/1.1 with
 * {@code Connection: close}, no redirects, no proxy: the backend is local.
 */
final class QuickHealthCheck {

    private QuickHealthCheck() {
    }

    /** The status code of {@code GET path}, within {@code timeout} for the connect and for each read. */
    static int status(String host, int port, String path, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String line = statusLine(socket.getInputStream());
            // "HTTP/1.1 200 OK"
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                throw new IOException("not an HTTP answer: " + line);
            }
            return Integer.parseInt(parts[1]);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed before a status line");
            }
            if (line.length() > 1024) {
                throw new IOException("no status line in the first 1 KiB");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
