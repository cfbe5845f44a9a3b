package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The user guide's first example (docs/index.md), verbatim between the tags (ReadmeSnippetsIT checks it). */
// tag::readme[]
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi")
class HomePageIT {
    @Test
    void listsItems(@BackendUrl URI api) throws IOException {
        Request list = new Request.Builder().url(api + "/items").build();
        try (Response items = new OkHttpClient().newCall(list).execute()) {
            assertThat(items.code()).isEqualTo(200);
        }
    }
}
// end::readme[]
