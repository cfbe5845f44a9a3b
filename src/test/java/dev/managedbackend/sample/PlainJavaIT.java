package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendBuilder;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** A backend from plain Java, as a main or another test framework would start it (JUnit only runs it). */
class PlainJavaIT {

    @Test
    void startsWithoutTheExtension() throws IOException {
        // tag::readme[]
        try (Backend api = BackendBuilder.app("app.main:app").dir("sample-fastapi").start()) {
            Request request = new Request.Builder().url(api.baseUrl() + "/items").build();
            try (Response response = new OkHttpClient().newCall(request).execute()) {
                assertThat(response.code()).isEqualTo(200);
            }
        }
        // end::readme[]
    }

    @Test
    void closeStopsIt() {
        Backend api = BackendBuilder.app("app.main:app").dir("sample-fastapi").start();
        long pid = api.pid().getAsLong();
        api.close();
        assertThat(api.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
