package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.managedbackend.engine.OkHttpUrls;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

import okhttp3.HttpUrl;

/**
 * OkHttp is the user's, not the extension's: in a child JVM whose classpath has no OkHttp (nor
 * Okio, nor Kotlin) a backend starts, becomes ready and is injected; with OkHttp but not the
 * Kotlin standard library it needs, an {@code okhttp3.HttpUrl} injection fails naming the
 * dependency to add. (With OkHttp, {@code HttpUrl} injection is in {@link ProcessModeTests}, and
 * OkHttp 4 and 5 builds in deps-check/.)
 */
@ExtendWith(OwnProcesses.class)
class OkHttpOptionalTests {

    @Test
    void withoutOkHttpABackendStartsAndItsUrlIsInjected(@TempDir Path temp) throws Exception {
        IsolatedRun child = new IsolatedRun(classPathWithout(jar -> jar.contains("okhttp") || jar.contains("okio")
                || jar.contains("kotlin")), temp, List.of());

        assertThat(child.run(WithoutOkHttpCases.class.getName())).describedAs(child.output()).isZero();
        IsolatedRun.Outcome outcome = child.outcome(WithoutOkHttpCases.class);
        assertThat(outcome.testsSucceeded()).describedAs(child.output()).isEqualTo(1);
    }

    @Test
    void anHttpUrlThatCannotBeMadeNamesTheDependencyToAdd(@TempDir Path temp) throws Exception {
        IsolatedRun child = new IsolatedRun(classPathWithout(jar -> jar.contains("kotlin")), temp, List.of());

        assertThat(child.run(HttpUrlWithoutKotlinCases.class.getName())).describedAs(child.output()).isZero();
        IsolatedRun.Outcome outcome = child.outcome(HttpUrlWithoutKotlinCases.class);
        assertThat(outcome.exception()).describedAs(child.output())
                .isEqualTo(ExtensionConfigurationException.class.getName());
        Messages.assertMatches(outcome.message(), "@BackendUrl field HttpUrl url of "
                + HttpUrlWithoutKotlinCases.class.getName() + " has type okhttp3.HttpUrl, which could not be made "
                + "({...}kotlin{...}): OkHttp is incomplete on the test classpath. The extension does not bring OkHttp; "
                + "add com.squareup.okhttp3:okhttp-jvm (OkHttp 5) or com.squareup.okhttp3:okhttp (OkHttp 4) with "
                + "its Kotlin standard library to your test dependencies, or inject java.net.URI.");
    }

    /** The form of an injected HttpUrl: OkHttp's own, which always has a path. */
    @Test
    void anHttpUrlHasATrailingSlashAndIsExtendedWithResolve() {
        HttpUrl url = (HttpUrl) OkHttpUrls.of(HttpUrl.class, URI.create("http://127.0.0.1:41234"), "test");

        assertThat(url).hasToString("http://127.0.0.1:41234/");
        assertThat(url.resolve("items")).hasToString("http://127.0.0.1:41234/items");
        assertThatThrownBy(() -> OkHttpUrls.of(String.class, URI.create("http://127.0.0.1:1"), "parameter x"))
                .isInstanceOf(ExtensionConfigurationException.class).hasMessageStartingWith("@BackendUrl parameter x "
                        + "has type okhttp3.HttpUrl, which could not be made (java.lang.NoSuchMethodException");
    }

    private static String classPathWithout(Predicate<String> left) {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        assertThat(entries).describedAs("the suite's classpath").anyMatch(left); // or the test shows nothing
        return entries.stream().filter(left.negate()).collect(Collectors.joining(File.pathSeparator));
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class WithoutOkHttpCases {
        @Test
        void test(@BackendUrl URI url) throws Exception {
            assertThatThrownBy(() -> Class.forName("okhttp3.OkHttpClient")).isInstanceOf(ClassNotFoundException.class);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(url.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class HttpUrlWithoutKotlinCases {
        @BackendUrl
        static HttpUrl url;

        @Test
        void test() {
        }
    }
}
