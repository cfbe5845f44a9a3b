package dev.managedbackend.internal;

import java.net.Proxy;
import java.time.Duration;

import okhttp3.OkHttpClient;

/**
 * The one OkHttp client the extension uses, shared by all backends of the JVM. OkHttp rather
 * than the JDK's HttpClient: the latter offers an h2c upgrade that uvicorn 0.17 rejects.
 */
final class HealthClient {

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .proxy(Proxy.NO_PROXY) // backends are local; a configured proxy must not see these calls
            .retryOnConnectionFailure(false) // a retry is the next poll, not OkHttp's business
            .followRedirects(false)
            .connectTimeout(Duration.ofSeconds(1))
            .readTimeout(Duration.ofSeconds(5))
            .build();

    private HealthClient() {
    }

    static OkHttpClient get() {
        return CLIENT;
    }
}
