package dev.managedbackend.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import dev.managedbackend.internal.BackendRedirects;

import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A backend's health right now: one {@code GET <url><healthPath>} (2xx is healthy; redirects
 * followed only within the backend, by the rule readiness uses, {@link BackendRedirects}), or,
 * without a health path, whether its port accepts a connection. Over OkHttp, as the library's
 * readiness check (the JDK's client offers an h2c upgrade that uvicorn 0.17 rejects).
 */
final class Health {

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .proxy(Proxy.NO_PROXY) // backends are local
            .retryOnConnectionFailure(false)
            .followRedirects(false) // OkHttp's default follows them anywhere: BackendRedirects decides
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(Duration.ofSeconds(3))
            .build();

    /** @param said e.g. {@code "200 GET /health"} or {@code "no answer: connection refused"} */
    record Result(boolean healthy, String said) {
    }

    private Health() {
    }

    static Result of(String url, String healthPath) {
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
            HttpUrl target = HttpUrl.get(url + healthPath);
            for (int redirects = 0; ; redirects++) {
                // a new connection each time, as readiness does: none left stale by a server that closed it
                try (Response response = CLIENT.newCall(new Request.Builder().url(target)
                        .header("Connection", "close").build()).execute()) {
                    HttpUrl next = BackendRedirects.target(target, response);
                    if (response.isSuccessful() || next == null || redirects == BackendRedirects.MAX) {
                        return answer(target, response);
                    }
                    target = next;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return new Result(false, "GET " + healthPath + " got no answer: " + e.getMessage());
        }
    }

    private static Result answer(HttpUrl asked, Response response) {
        String path = asked.encodedPath() + (asked.encodedQuery() == null ? "" : "?" + asked.encodedQuery());
        String location = response.header("Location");
        return new Result(response.isSuccessful(), response.code() + " GET " + path
                + (location != null && response.isRedirect() && BackendRedirects.target(asked, response) == null
                        ? " to " + location + ", not followed: it leaves the backend" : ""));
    }
}
