package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A server that loses its port to another program between the extension's choice and its own
 * bind ("address already in use") is restarted on another port, a bounded number of times; a
 * fixed port is never replaced. The race is played by a script that prints Python's bind error.
 */
@ExtendWith(OwnProcesses.class)
class PortConflictTests {

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();
    /** Made by the first launch of {@link LosesOnceCases} only (mkdir is atomic). */
    private static final Path MARKER = Path.of("target/port-race-marker");
    private static final String NL = System.lineSeparator();
    private static final String IN_USE = "echo 'OSError: [Errno 98] Address already in use'; exit 1";

    @BeforeEach
    void reset() throws IOException {
        SEEN.clear();
        Files.deleteIfExists(MARKER);
    }

    @Test
    void aServerThatLosesItsPickedPortIsStartedAgainOnAnotherPort() throws IOException {
        EngineExecutionResults results = TestKit.run(LosesOnceCases.class);

        TestKit.assertAllPassed(results, 1);
        int port = (Integer) SEEN.get("port");
        String log = Files.readString((Path) SEEN.get("log"));
        Matcher lost = Pattern.compile("\\[managed-backend] port (\\d+) was taken before the server "
                + "could bind it; trying another port").matcher(log);
        assertThat(lost.find()).describedAs(log).isTrue();
        assertThat(Integer.parseInt(lost.group(1))).isNotEqualTo(port);
        assertThat(SEEN).containsEntry("GET /", 200);
    }

    @Test
    void aServerThatLosesEveryPickedPortFailsAfterTheConfiguredAttempts() {
        EngineExecutionResults results = TestKit.run(Map.of(ManagedBackend.PORT_ATTEMPTS_PROPERTY_NAME, "3"),
                AlwaysLosesCases.class);

        Throwable failure = TestKit.classFailure(results, AlwaysLosesCases.class);
        assertThat(failure).isExactlyInstanceOf(BackendStartException.class);
        Matcher message = Messages.assertMatches(failure.getMessage(), "backend 'default' (sh -c " + IN_USE
                + ", pid {pid}) could not bind port {n} on 127.0.0.1: address already in use (ports tried: "
                + "[{n}, {n}, {n}]). Widen managedbackend.portRange or stop what holds these ports." + NL
                + "Log {log}, last lines:{...}");
        assertThat(OwnProcesses.isAlive(Long.parseLong(message.group("pid")))).isFalse();
        assertThat(Path.of(message.group("log"))).content().containsPattern(
                "(?s)(starting sh -c .*){3}");
    }

    @Test
    void aFixedPortThatTheServerCannotBindIsNotReplaced() {
        Throwable failure = TestKit.classFailure(TestKit.run(FixedPortLosesCases.class), FixedPortLosesCases.class);

        assertThat(failure).isExactlyInstanceOf(BackendStartException.class);
        Messages.assertMatches(failure.getMessage(), "backend 'default' (sh -c " + IN_USE + ", pid {pid}) could "
                + "not bind port 19878 on 127.0.0.1: address already in use, held by no process that this user can "
                + "see listens on it (another user's process, or a socket bound but not listening). A fixed port is "
                + "used as given, never "
                + "replaced: stop what holds port 19878, choose another port, or leave port out (0) to let the "
                + "extension pick a free one." + NL
                + "Log {log}, last lines:" + NL
                + "  | [managed-backend] starting sh -c " + IN_USE + "  (in {...})" + NL
                + "  | OSError: [Errno 98] Address already in use");
    }

    @ManagedBackend(dir = DIR, healthPath = "/", command = {"sh", "-c", "if mkdir ../../../target/port-race-marker "
            + "2>/dev/null; then " + IN_USE + "; fi; exec python3 -m http.server {port} --bind {host}"})
    static class LosesOnceCases {
        @Test
        void started(Backend backend) {
            SEEN.put("port", backend.port());
            SEEN.put("log", backend.logFile());
            SEEN.put("GET /", Http.get(backend.baseUrl() + "/").status());
        }
    }

    @ManagedBackend(dir = DIR, command = {"sh", "-c", IN_USE})
    static class AlwaysLosesCases {
        @Test
        void test() {
        }
    }

    @ManagedBackend(dir = DIR, port = 19878, command = {"sh", "-c", IN_USE})
    static class FixedPortLosesCases {
        @Test
        void test() {
        }
    }
}
