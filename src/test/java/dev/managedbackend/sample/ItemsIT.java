package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

@ExtendWith(TeardownCheck.class)
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi")
class ItemsIT {

    private static final MediaType JSON = MediaType.get("application/json");
    private final OkHttpClient http = new OkHttpClient();

    @BeforeAll
    static void watch(Backend backend) {
        TeardownCheck.watch(ItemsIT.class, backend);
    }

    /** Creating and listing is QuickStartIT's (the README example); this one reads and deletes. */
    @Test
    void createsReadsAndDeletesAnItem(@BackendUrl URI api) throws IOException {
        Request create = new Request.Builder().url(api + "/items")
                .post(RequestBody.create("{\"name\": \"ink\", \"price\": 2.5}", JSON)).build();
        String id;
        try (Response response = http.newCall(create).execute()) {
            assertThat(response.code()).isEqualTo(201);
            id = response.body().string().replaceAll(".*\"id\":(\\d+).*", "$1");
        }
        try (Response response = http.newCall(new Request.Builder().url(api + "/items/" + id).build()).execute()) {
            assertThat(response.body().string()).contains("\"name\":\"ink\"");
        }
        try (Response response = http.newCall(new Request.Builder().url(api + "/items/" + id).delete().build()).execute()) {
            assertThat(response.code()).isEqualTo(204);
        }
        try (Response response = http.newCall(new Request.Builder().url(api + "/items/" + id).build()).execute()) {
            assertThat(response.code()).isEqualTo(404);
        }
    }

    @Test
    void unknownItemIs404(@BackendUrl URI api) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(api + "/items/999999").build()).execute()) {
            assertThat(response.code()).isEqualTo(404);
        }
    }

    @Test
    void backendFacts(Backend backend, @BackendUrl String api) {
        assertThat(api).isEqualTo("http://127.0.0.1:" + backend.port());
        assertThat(backend.pid()).isPresent();
        assertThat(backend.containerId()).isEmpty();
        assertThat(backend.logFile()).exists();
        assertThat(backend.isRunning()).isTrue();
    }
}
