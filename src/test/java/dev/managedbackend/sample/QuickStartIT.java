package dev.managedbackend.sample;

// tag::readme[]
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The README's whole-test example, verbatim between the tags (ReadmeSnippetsIT checks it). */
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi")
class QuickStartIT {

    private static final MediaType JSON = MediaType.get("application/json");
    private final OkHttpClient http = new OkHttpClient();

    @Test
    void createsAndListsItems(@BackendUrl URI api) throws IOException {
        Request create = new Request.Builder().url(api + "/items")
                .post(RequestBody.create("{\"name\": \"pen\", \"price\": 1.5}", JSON)).build();
        try (Response response = http.newCall(create).execute()) {
            assertThat(response.code()).isEqualTo(201);
        }
        try (Response response = http.newCall(new Request.Builder().url(api + "/items").build()).execute()) {
            assertThat(response.body().string()).contains("\"name\":\"pen\"");
        }
    }
}
// end::readme[]
