package dev.managedbackend.sample;

// tag::readme[]
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackendExtension;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

class DependentBackendsIT {

    // By reference: resolved when gateway starts, which starts notes first, whatever the order.
    @RegisterExtension
    static ManagedBackendExtension gateway = new ManagedBackendExtension(BackendBuilder.app("app.main:app")
            .dir("sample-fastapi")
            .env("NOTES_URL", "${notes.url}"));

    @RegisterExtension
    @Order(1)
    static ManagedBackendExtension notes = new ManagedBackendExtension(BackendBuilder.app("app.main:app")
            .dir("sample-fastapi"));

    // By supplier: any value, computed when audit starts; notes must start before it (a lower @Order).
    @RegisterExtension
    @Order(2)
    static ManagedBackendExtension audit = new ManagedBackendExtension(BackendBuilder.app("app.main:app")
            .dir("sample-fastapi")
            .env("NOTES_URL", () -> notes.backend().baseUrl()));

    @Test
    void bothGetTheUrlOfNotes(@BackendUrl("notes") URI notesUrl) throws IOException {
        for (ManagedBackendExtension dependent : new ManagedBackendExtension[] {gateway, audit}) {
            Request request = new Request.Builder().url(dependent.backend().baseUrl() + "/env/NOTES_URL").build();
            try (Response response = new OkHttpClient().newCall(request).execute()) {
                assertThat(response.body().string()).contains(notesUrl.toString());
            }
        }
    }
}
// end::readme[]
