package dev.managedbackend.depscheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.Backends;
import dev.managedbackend.ManagedBackend;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Container mode under a Spring Boot 3.5 BOM, which pins Testcontainers 1.21 where the extension
 * is built against 2.0: an image and a Dockerfile build both start, answer and are injected. Run
 * by the boot35 profile only (the others have no Testcontainers); {@code .ci/run} then checks that
 * nothing of theirs is left in the engine.
 */
@ManagedBackend(name = "image", image = "sample-fastapi:dev")
@ManagedBackend(name = "built", dockerfile = "../sample-fastapi/Dockerfile")
class ContainersUnderBootBomTest {

    @Test
    void testcontainersIsTheVersionTheBomPins() throws ClassNotFoundException {
        // by name: the other profiles compile this class without Testcontainers
        String version = Class.forName("org.testcontainers.DockerClientFactory").getPackage().getImplementationVersion();
        String expected = System.getProperty("expected.testcontainers", "");
        assertTrue(!expected.isEmpty() && version.startsWith(expected),
                () -> "Testcontainers " + version + ", but the build claims " + expected);
        System.out.printf("deps-check: Testcontainers %s%n", version);
    }

    @Test
    void anImageAndADockerfileBuildAnswer(@BackendUrl("image") URI image, @BackendUrl("built") URI built,
            Backends backends) throws IOException {
        OkHttpClient client = new OkHttpClient();
        for (URI api : new URI[] {image, built}) {
            Request request = new Request.Builder().url(api.resolve("/items").toString()).build();
            try (Response response = client.newCall(request).execute()) {
                assertEquals(200, response.code(), () -> "GET " + api.resolve("/items"));
            }
        }
        for (Backend backend : backends.all()) {
            assertTrue(backend.containerId().isPresent(), () -> backend + " has no container id");
        }
    }
}
