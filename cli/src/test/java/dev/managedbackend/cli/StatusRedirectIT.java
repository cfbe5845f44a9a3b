package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * {@code status} never leaves the backend: a {@code /health} that redirects to another address
 * (another server on 127.0.0.2, healthy) is reported as the redirect it is, and that server gets
 * no request; a redirect within the backend is followed, as readiness does.
 */
class StatusRedirectIT {

    private static final Path SERVER = Path.of("src/test/python/redirecting_health.py").toAbsolutePath();

    @TempDir
    Path temp;

    private Cli cli;
    private HttpServer elsewhere;
    private final AtomicInteger elsewhereAsked = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        cli = new Cli(temp);
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        elsewhere.createContext("/", exchange -> {
            elsewhereAsked.incrementAndGet();
            byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        elsewhere.start();
    }

    @AfterEach
    void stop() throws Exception {
        elsewhere.stop(0);
        cli.close();
    }

    @Test
    void aHealthRedirectToAnotherAddressIsNotFollowedAndOneWithinTheBackendIs() throws Exception {
        Path flag = temp.resolve("redirect-to");
        Cli.Result start = cli.run("start", "--name", "api", "--command",
                Cli.PYTHON + " " + SERVER + " {port} 127.0.0.1 " + flag);
        assertThat(start.exit()).describedAs(start.toString()).isZero();
        assertThat(cli.run("status", "api").out()).contains("healthy (200 GET /health)");

        String away = "http://127.0.0.2:" + elsewhere.getAddress().getPort() + "/health";
        Files.writeString(flag, away);
        Cli.Result redirected = cli.run("status", "api");

        assertThat(redirected.exit()).describedAs(redirected.toString()).isEqualTo(1);
        assertThat(redirected.out()).describedAs(redirected.toString())
                .contains("UNHEALTHY (302 GET /health to " + away + ", not followed: it leaves the backend)");
        assertThat(cli.run("status", "--json", "api").out())
                .contains("\"healthy\": false", "\"health\": \"302 GET /health to " + away + ", not followed: it leaves "
                        + "the backend\"");
        assertThat(elsewhereAsked.get()).describedAs("requests that reached the server on 127.0.0.2").isZero();

        Files.writeString(flag, "/inside");
        Cli.Result within = cli.run("status", "api");
        assertThat(within.exit()).describedAs(within.toString()).isZero();
        assertThat(within.out()).contains("healthy (200 GET /inside)");

        assertThat(cli.run("stop", "api").exit()).isZero();
    }
}
