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
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** An image that already exists: sample-fastapi:dev, made by scripts/build-sample-image.sh. */
@ExtendWith(TeardownCheck.class)
@ManagedBackend(image = "sample-fastapi:dev")
class ItemsImageIT {

    @BeforeAll
    static void watch(Backend backend) {
        TeardownCheck.watch(ItemsImageIT.class, backend);
    }

    @Test
    void answers(@BackendUrl URI api) throws IOException {
        try (Response response = new OkHttpClient().newCall(new Request.Builder().url(api + "/items").build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo("[]");
        }
    }
}
