package dev.managedbackend.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The one HTTP client the extension uses, shared by all backends of the JVM: the JDK's own, so
 * the extension puts no HTTP client (and no Kotlin) on the user's classpath. HTTP/1.1 only: the
 * JDK client's default offers an h2c upgrade, which uvicorn 0.17 answers with "Unsupported
 * upgrade request".
 */
public final class HealthClient {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY) // backends are local; a configured proxy must not see these calls
            .followRedirects(HttpClient.Redirect.NEVER) // ReadinessProbe follows those within the backend
            .connectTimeout(Duration.ofSeconds(1))
            .sslContext(plainHttpOnly())
            .build();

    private HealthClient() {
    }

    /**
     * A TLS context that trusts no one. Backends are plain HTTP (their base URL is {@code http://}, and
     * redirects are followed within the backend only), so no probe speaks TLS; without a context of its
     * own the client loads the default one, JSSE with the {@code cacerts} trust store, about 0.1 s of
     * every JVM's first start (measured: BENCHMARKS.md, the command line after its facade).
     */
    private static SSLContext plainHttpOnly() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS context in this JDK", e);
        }
    }

    /** One GET of {@code url}, bounded by {@code timeout}; the body is read up to its end. */
    public static HttpResponse<String> get(URI url, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
