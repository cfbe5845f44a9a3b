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
import kotlin.KotlinVersion;
import okhttp3.HttpUrl;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The extension in a user's dependency set-up (a profile of this build): whichever OkHttp the
 * build resolves, there is one copy of it, and the extension works with it.
 */
@ManagedBackend(app = "app.main:app", dir = "../sample-fastapi")
class OkHttpAlignmentTest {

    @Test
    void oneCopyOfOkHttpAndKotlinIsOnTheClasspath() throws IOException {
        List<URL> okhttp = copiesOf("okhttp3/OkHttpClient.class");
        assertEquals(1, okhttp.size(), () -> "copies of okhttp3.OkHttpClient: " + okhttp);
        List<URL> kotlin = copiesOf("kotlin/KotlinVersion.class");
        assertEquals(1, kotlin.size(), () -> "copies of the Kotlin standard library: " + kotlin);
    }

    /** The run is on the versions its profile claims, or it would prove nothing. */
    @Test
    void theVersionsAreTheOnesTheBuildClaims() throws ReflectiveOperationException {
        // read at run time: the compiler inlines the constant of the OkHttp it compiled against
        String okhttp = (String) OkHttp.class.getField("VERSION").get(null);
        expect("expected.okhttp", okhttp, "OkHttp");
        expect("expected.kotlin", KotlinVersion.CURRENT.toString(), "Kotlin standard library");
        expect("expected.junit", Test.class.getPackage().getImplementationVersion(), "JUnit Jupiter");
        System.out.printf("deps-check: OkHttp %s, Kotlin %s, Jupiter %s%n", okhttp, KotlinVersion.CURRENT,
                Test.class.getPackage().getImplementationVersion());
    }

    @Test
    void theBackendStartsAndItsHttpUrlIsInjected(@BackendUrl HttpUrl api) throws IOException {
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder().url(api.resolve("/items")).build();
        try (Response response = client.newCall(request).execute()) {
            assertEquals(200, response.code(), () -> "GET " + api.resolve("/items"));
        }
        assertEquals("127.0.0.1", api.host());
    }

    private static void expect(String property, String actual, String what) {
        String expected = System.getProperty(property, "");
        assertTrue(actual.startsWith(expected), () -> what + " " + actual + ", but the build claims " + expected);
    }

    private static List<URL> copiesOf(String resource) throws IOException {
        return Collections.list(OkHttpAlignmentTest.class.getClassLoader().getResources(resource));
    }
}
