package dev.managedbackend.depscheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;

/**
 * The extension in a user's build without OkHttp (the plain profile): nothing of OkHttp, Okio or
 * Kotlin comes with it, and a backend starts, becomes ready and is injected.
 */
@ManagedBackend(app = "app.main:app", dir = "../sample-fastapi")
class WithoutOkHttpTest {

    @Test
    void noHttpClientAndNoKotlinCameWithTheExtension() throws IOException {
        for (String resource : List.of("okhttp3/OkHttpClient.class", "okio/Buffer.class", "kotlin/KotlinVersion.class")) {
            List<URL> copies = Collections.list(getClass().getClassLoader().getResources(resource));
            assertEquals(List.of(), copies, () -> "copies of " + resource);
        }
    }

    @Test
    void theBackendStartsAndItsUriIsInjected(@BackendUrl URI api) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> items = client.send(HttpRequest.newBuilder(URI.create(api + "/items")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, items.statusCode(), () -> "GET " + api + "/items");
    }
}
