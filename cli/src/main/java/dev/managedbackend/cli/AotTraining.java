package dev.managedbackend.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The build's training run for the archive's ahead-of-time cache (src/dist/build-dist.sh): every
 * command once, in one JVM, on the linked runtime, so that the cache holds the classes each
 * command loads. A real backend is started, checked, looked up and stopped (the JDK's
 * {@code jwebserver}, which every JDK 18+ has). Exits 1, naming the command, if one did not end
 * as it should: the training doubles as a smoke test of the runtime's modules.
 *
 * <p>Not a command: {@code java -cp managed-backend-cli.jar dev.managedbackend.cli.AotTraining
 * WORK_DIR JWEBSERVER}.
 */
final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]).toAbsolutePath();
        String server = args[1];
        Path state = Files.createDirectories(work.resolve("state"));
        Path site = Files.createDirectories(work.resolve("site"));
        String stateDir = "--state-dir=" + state;
        int port = freePort();
        List<String> failed = new ArrayList<>();
        expect(failed, 0, "--help");
        expect(failed, 0, "--version");
        expect(failed, 2, "stpo");
        for (String command : List.of("start", "stop", "restart", "status", "who", "reap", "run", "logs", "completion")) {
            expect(failed, 0, command, "--help");
        }
        expect(failed, 2, "status", "--jsn");
        expect(failed, 0, "status", stateDir);
        expect(failed, 1, "who", "1", stateDir);
        expect(failed, 0, "stop", stateDir);
        try {
            expect(failed, 0, "start", stateDir, "--name", "training", "--port", Integer.toString(port),
                    "--health-path", "/", "--command", server + " -b 127.0.0.1 -p {port} -d " + site);
            expect(failed, 0, "status", stateDir);
            expect(failed, 0, "status", stateDir, "--json");
            expect(failed, 0, "who", Integer.toString(port), stateDir);
            expect(failed, 0, "logs", "training", stateDir);
            expect(failed, 0, "restart", "training", stateDir);
        } finally {
            expect(failed, 0, "stop", "training", stateDir);
        }
        expect(failed, 0, "reap", "--dry-run", stateDir);
        expect(failed, 0, "reap", stateDir);
        if (!failed.isEmpty()) {
            System.err.println("training: these commands did not end as they should: " + failed);
            System.exit(1);
        }
    }

    private static void expect(List<String> failed, int exit, String... args) {
        int code = ManagedBackendCli.execute(args);
        if (code != exit) {
            failed.add(String.join(" ", args) + " (exit " + code + ", expected " + exit + ")");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
