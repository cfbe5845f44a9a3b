package dev.managedbackend.sample;

// tag::readme[]
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackendExtension;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

class RuntimeValueIT {

    @TempDir
    static Path uploads; // exists only once the test runs: JUnit makes it before the backend starts

    @RegisterExtension
    static ManagedBackendExtension api = new ManagedBackendExtension(BackendBuilder.app("app.main:app")
            .dir("sample-fastapi")
            .env("UPLOAD_DIR", () -> uploads)); // computed when the backend starts

    @Test
    void theAppGetsTheFolderTheTestMade(@BackendUrl URI url) throws IOException {
        Request request = new Request.Builder().url(url + "/env/UPLOAD_DIR").build();
        try (Response response = new OkHttpClient().newCall(request).execute()) {
            assertThat(response.body().string()).contains(uploads.toString());
        }
        assertThat(api.backend().baseUrl()).isEqualTo(url);
    }
}
// end::readme[]
