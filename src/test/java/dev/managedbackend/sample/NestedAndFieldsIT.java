package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Field injection, and one backend shared by a class and its @Nested classes. */
@ExtendWith(TeardownCheck.class)
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi", env = "FEATURE_FLAG=on")
class NestedAndFieldsIT {

    // tag::readme[]
    @BackendUrl
    static HttpUrl sharedApi; // OkHttp's form: http://127.0.0.1:41234/, extend it with resolve("/items")

    @BackendUrl
    URL api; // URI, URL, String: http://127.0.0.1:41234, no trailing slash: api + "/items"
    // end::readme[]

    static long outerPid;

    @BeforeAll
    static void watch(Backend backend) {
        TeardownCheck.watch(NestedAndFieldsIT.class, backend);
        outerPid = backend.pid().orElseThrow();
    }

    @Test
    void fieldsAreInjected() {
        assertThat(api.toString()).isEqualTo(sharedApi.toString().replaceAll("/$", ""));
    }

    @Test
    void envReachesTheApp() throws IOException {
        try (Response response = new OkHttpClient().newCall(
                new Request.Builder().url(sharedApi.resolve("/env/FEATURE_FLAG")).build()).execute()) {
            assertThat(response.body().string()).contains("\"value\":\"on\"");
        }
    }

    // tag::readme[]
    @Nested
    class WhenNested {
        @Test
        void seesTheOuterBackend(Backend backend) {
            assertThat(backend.pid()).hasValue(outerPid);
            assertThat(api).isNotNull(); // the outer instance's field is filled for nested tests too
        }
    }
    // end::readme[]
}
