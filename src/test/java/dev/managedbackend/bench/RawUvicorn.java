package dev.managedbackend.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The floor: what a hand-written start costs at best. Spawns uvicorn for sample-fastapi on a
 * free port from plain Java, polls /health with a bare socket every millisecond until the first
 * 2xx, then SIGTERMs it and waits for the exit.
 */
final class RawUvicorn implements Contender {

    private final Path python;
    private final Path appDir;

    RawUvicorn(Path python, Path appDir) {
        this.python = python;
        this.appDir = appDir;
    }

    /** @return {time to ready, time to stop} in nanoseconds */
    @Override
    public long[] run() throws Exception {
        int port = freePort();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(python.toString(), "-m", "uvicorn", "app.main:app",
                "--host", "127.0.0.1", "--port", Integer.toString(port))
                .directory(appDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            while (!healthy(port)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("raw uvicorn exited with " + process.exitValue());
                }
                Thread.sleep(1);
            }
            long ready = System.nanoTime() - start;
            long stopStart = System.nanoTime();
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            return new long[] {ready, System.nanoTime() - stopStart};
        } finally {
            process.destroyForcibly();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static boolean healthy(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] status = in.readNBytes(12); // "HTTP/1.1 200"
            return status.length == 12 && status[9] == '2';
        } catch (IOException e) {
            return false;
        }
    }
}
