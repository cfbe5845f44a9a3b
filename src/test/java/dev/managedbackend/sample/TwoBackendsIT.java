package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.managedbackend.Backends;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Two named backends of one class: separate processes, ports and state. */
@ExtendWith(TeardownCheck.class)
// tag::readme[]
@ManagedBackend(name = "left", app = "app.main:app", dir = "sample-fastapi")
@ManagedBackend(name = "right", app = "app.main:app", dir = "sample-fastapi")
// end::readme[]
class TwoBackendsIT {

    private final OkHttpClient http = new OkHttpClient();

    @BeforeAll
    static void watch(Backends backends) {
        backends.all().forEach(backend -> TeardownCheck.watch(TwoBackendsIT.class, backend));
    }

    // tag::readme[]
    @Test
    void stateIsSeparate(@BackendUrl("left") URI left, @BackendUrl("right") URI right) throws IOException {
        assertThat(left.getPort()).isNotEqualTo(right.getPort());
        http.newCall(new Request.Builder().url(left + "/items")
                .post(RequestBody.create("{\"name\": \"only-left\", \"price\": 2}", MediaType.get("application/json")))
                .build()).execute().close();
        try (Response response = http.newCall(new Request.Builder().url(right + "/items").build()).execute()) {
            assertThat(response.body().string()).doesNotContain("only-left");
        }
    }
    // end::readme[]
}
