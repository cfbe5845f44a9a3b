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

/** uvicorn with worker processes: the whole tree is stopped, not only the parent. */
@ExtendWith(TeardownCheck.class)
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi", args = {"--workers", "2"})
class WorkersIT {

    @BeforeAll
    static void watch(Backend backend) {
        TeardownCheck.watch(WorkersIT.class, backend);
    }

    @Test
    void servesFromWorkers(@BackendUrl URI api, Backend backend) throws IOException {
        assertThat(ProcessHandle.of(backend.pid().orElseThrow()).orElseThrow().descendants().count())
                .isGreaterThanOrEqualTo(2);
        try (Response response = new OkHttpClient().newCall(new Request.Builder().url(api + "/health").build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
    }
}
