package dev.managedbackend.depscheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The extension in a user's build that has OkHttp (a profile of this build): there is one copy
 * of OkHttp, the build's own, and the extension's HttpUrl injection works with it.
 */
@ManagedBackend(app = "app.main:app", dir = "../sample-fastapi")
class OkHttpAlignmentTest {

    @Test
    void oneCopyOfOkHttpAndAtMostOneOfKotlinIsOnTheClasspath() throws IOException {
        List<URL> okhttp = copiesOf("okhttp3/OkHttpClient.class");
        assertEquals(1, okhttp.size(), () -> "copies of okhttp3.OkHttpClient: " + okhttp);
        List<URL> kotlin = copiesOf("kotlin/KotlinVersion.class");
        assertTrue(kotlin.size() <= 1, () -> "copies of the Kotlin standard library: " + kotlin);
    }

    /** The run is on the versions its profile claims, or it would prove nothing. */
    @Test
    void theVersionsAreTheOnesTheBuildClaims() {
        // OkHttp 3 has no okhttp3.OkHttp.VERSION: the jar's place in the repository says it for all
        String jar = OkHttpClient.class.getProtectionDomain().getCodeSource().getLocation().toString();
        String expected = System.getProperty("expected.okhttp.jar", "");
        assertTrue(!expected.isEmpty() && jar.contains("/" + expected), () -> "OkHttp from " + jar
                + ", but the build claims " + expected);
        String junit = Test.class.getPackage().getImplementationVersion();
        String expectedJunit = System.getProperty("expected.junit", "");
        assertTrue(junit.startsWith(expectedJunit), () -> "JUnit Jupiter " + junit + ", but the build claims "
                + expectedJunit);
        System.out.printf("deps-check: OkHttp from %s, Jupiter %s%n", jar, junit);
    }

    @Test
    void theBackendStartsAndItsHttpUrlIsInjected(@BackendUrl HttpUrl api) throws IOException {
        assertEquals("/", api.encodedPath(), () -> "an injected HttpUrl's path: " + api);
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder().url(api.resolve("/items")).build();
        try (Response response = client.newCall(request).execute()) {
            assertEquals(200, response.code(), () -> "GET " + api.resolve("/items"));
        }
        assertEquals("127.0.0.1", api.host());
    }

    private static List<URL> copiesOf(String resource) throws IOException {
        return Collections.list(OkHttpAlignmentTest.class.getClassLoader().getResources(resource));
    }
}
