package dev.managedbackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Proxy;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** GETs and POSTs for fixtures: the status and body a backend answers. */
final class Http {

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().proxy(Proxy.NO_PROXY).build();

    record Answer(int status, String body) {
    }

    private Http() {
    }

    static Answer get(String url) {
        return send(new Request.Builder().url(url).header("Connection", "close").build());
    }

    static Answer post(String url) {
        return send(new Request.Builder().url(url).header("Connection", "close")
                .post(RequestBody.create(new byte[0])).build());
    }

    private static Answer send(Request request) {
        String url = request.method() + " " + request.url();
        try (Response response = CLIENT.newCall(request).execute()) {
            return new Answer(response.code(), response.body().string());
        } catch (IOException e) {
            throw new UncheckedIOException(url, e);
        }
    }
}
