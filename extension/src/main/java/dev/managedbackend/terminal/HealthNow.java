package dev.managedbackend.terminal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import dev.managedbackend.internal.BackendRedirects;
import dev.managedbackend.internal.HealthClient;

/**
 * A backend's health right now: one {@code GET <url><healthPath>} (2xx is healthy; redirects
 * followed only within the backend, by the rule readiness uses, {@link BackendRedirects}), or,
 * without a health path, whether its port accepts a connection. Through the library's own HTTP
 * client (the JDK's, HTTP/1.1), so the command line carries no other. Used by {@code status}.
 */
public final class HealthNow {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** @param said e.g. {@code "200 GET /health"} or {@code "no answer: connection refused"} */
    public record Result(boolean healthy, String said) {
    }

    private HealthNow() {
    }

    public static Result of(String url, String healthPath) {
        if (healthPath.isEmpty()) {
            URI uri = URI.create(url);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
                return new Result(true, "port " + uri.getPort() + " accepts connections");
            } catch (IOException e) {
                return new Result(false, "port " + uri.getPort() + " does not accept connections: " + e.getMessage());
            }
        }
        try {
            URI target = URI.create(url + healthPath);
            for (int redirects = 0; ; redirects++) {
                HttpResponse<String> response = HealthClient.get(target, TIMEOUT);
                URI next = BackendRedirects.target(target, response);
                if (response.statusCode() / 100 == 2 || next == null || redirects == BackendRedirects.MAX) {
                    return answer(target, response);
                }
                target = next;
            }
        } catch (HttpTimeoutException e) {
            return new Result(false, "GET " + healthPath + " got no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException | IllegalArgumentException e) {
            return new Result(false, "GET " + healthPath + " got no answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "GET " + healthPath + " was interrupted");
        }
    }

    private static Result answer(URI asked, HttpResponse<String> response) {
        String path = asked.getRawPath() + (asked.getRawQuery() == null ? "" : "?" + asked.getRawQuery());
        String location = response.headers().firstValue("Location").orElse(null);
        boolean leaves = location != null && BackendRedirects.isRedirect(response)
                && BackendRedirects.target(asked, response) == null;
        return new Result(response.statusCode() / 100 == 2, response.statusCode() + " GET " + path
                + (leaves ? " to " + location + ", not followed: it leaves the backend" : ""));
    }
}
