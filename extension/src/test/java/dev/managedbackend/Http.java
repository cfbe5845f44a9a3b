package dev.managedbackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Proxy;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** GETs for fixtures: the status and body a backend answers. */
final class Http {

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().proxy(Proxy.NO_PROXY).build();

    record Answer(int status, String body) {
    }

    private Http() {
    }

    static Answer get(String url) {
        Request request = new Request.Builder().url(url).header("Connection", "close").build();
        try (Response response = CLIENT.newCall(request).execute()) {
            return new Answer(response.code(), response.body().string());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        }
    }
}
