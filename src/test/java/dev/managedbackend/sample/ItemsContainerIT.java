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

/**
 * The sample app as a container, built from its Dockerfile. Where no registry can be reached,
 * pass the base image as a build argument: -Dmanagedbackend.container.buildArgs=BASE_IMAGE=...
 */
// README: container mode
@ExtendWith(TeardownCheck.class)
// tag::readme[]
@ManagedBackend(dockerfile = "sample-fastapi/Dockerfile", env = "FEATURE_FLAG=on")
// end::readme[]
class ItemsContainerIT {

    private static final MediaType JSON = MediaType.get("application/json");
    private final OkHttpClient http = new OkHttpClient();

    @BeforeAll
    static void watch(Backend backend) {
        TeardownCheck.watch(ItemsContainerIT.class, backend);
    }

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
    // README: end

    @Test
    void envReachesTheContainer(@BackendUrl URI api) throws IOException {
        try (Response response = http.newCall(new Request.Builder().url(api + "/env/FEATURE_FLAG").build()).execute()) {
            assertThat(response.body().string()).contains("\"value\":\"on\"");
        }
    }

    @Test
    void backendFacts(Backend backend, @BackendUrl String api) {
        assertThat(api).isEqualTo("http://" + backend.host() + ":" + backend.port());
        assertThat(backend.containerId()).isPresent();
        assertThat(backend.pid()).isEmpty();
        assertThat(backend.logFile()).content().contains("Uvicorn running on");
        assertThat(backend.isRunning()).isTrue();
    }
}
