package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Scope;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The user guide's RUN scope example (docs/scopes.md), verbatim between the tags (ReadmeSnippetsIT checks it). */
// tag::readme[]
// every class of the run that declares this same backend shares one uvicorn
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi", scope = Scope.RUN)
class ReadOnlyApiIT {
    @Test
    void answers(@BackendUrl URI api) throws IOException {
        Request health = new Request.Builder().url(api + "/health").build();
        try (Response response = new OkHttpClient().newCall(health).execute()) {
            assertThat(response.code()).isEqualTo(200);
        }
    }
}
// end::readme[]
