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

/** The user guide's reference example (docs/scopes.md), verbatim between the tags (ReadmeSnippetsIT checks it). */
// tag::readme[]
@ManagedBackend(name = "users", app = "app.main:app", dir = "sample-fastapi")
@ManagedBackend(name = "orders", app = "app.main:app", dir = "sample-fastapi", env = "USERS_URL=${users.url}")
class CheckoutIT {
    @Test
    void ordersIsToldWhereUsersIs(@BackendUrl("users") URI users, @BackendUrl("orders") URI orders)
            throws IOException {
        Request request = new Request.Builder().url(orders + "/env/USERS_URL").build();
        try (Response response = new OkHttpClient().newCall(request).execute()) {
            assertThat(response.body().string()).contains(users.toString());
        }
    }
}
// end::readme[]
