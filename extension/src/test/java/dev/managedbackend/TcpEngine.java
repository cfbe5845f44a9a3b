package dev.managedbackend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local Docker engine on a {@code tcp://127.0.0.1:<port>} address of a test's own, for that
 * test's duration: a {@code socat} relay to the engine's unix socket (the set-up's engine listens
 * on its socket only, since an unauthenticated TCP engine is root for every local user). The
 * kernel picks the port, which socat reports, so no other listener can take it in between.
 */
final class TcpEngine implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on AF=2 127\\.0\\.0\\.1:(\\d+)");

    private final Process socat;
    private final int port;

    private TcpEngine(Process socat, int port) {
        this.socat = socat;
        this.port = port;
    }

    /** Starts the relay and returns once it listens; fails naming socat's output if it does not. */
    static TcpEngine start() throws IOException, InterruptedException {
        String dockerHost = System.getenv("DOCKER_HOST");
        String socket = dockerHost != null && dockerHost.startsWith("unix://")
                ? dockerHost.substring("unix://".length()) : "/var/run/docker.sock";
        Process socat;
        try {
            socat = new ProcessBuilder("socat", "-d", "-d", "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr",
                    "UNIX-CONNECT:" + socket).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("could not run socat, which relays a tcp:// address to the engine for this test; "
                    + "install it (apt-get install socat; scripts/setup.sh does)", e);
        }
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> read(socat, seen, port), "socat output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new TcpEngine(socat, port.get(10, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            stop(socat);
            throw new IllegalStateException("socat did not report a listening port for the engine at " + socket
                    + "; its output: " + seen, e);
        }
    }

    /** Reads socat's log to its end: the port from its first lines, the rest so that it never blocks. */
    private static void read(Process socat, StringBuilder seen, CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(socat.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                synchronized (seen) {
                    seen.append(line).append('\n');
                }
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
        } catch (IOException ended) {
            // socat is gone
        }
        port.completeExceptionally(new IllegalStateException("socat exited"));
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    String address() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        stop(socat);
    }

    /** socat and the children it forked for each connection, which a TERM to it would leave running. */
    private static void stop(Process socat) throws InterruptedException {
        socat.descendants().forEach(ProcessHandle::destroy);
        socat.destroy();
        if (!socat.waitFor(10, TimeUnit.SECONDS)) {
            socat.destroyForcibly();
        }
    }
}
