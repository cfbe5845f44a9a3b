package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * {@link Backend#stop()} and {@link Backend#restart()} in the middle of a test, with real uvicorn
 * and a client that keeps its connections (OkHttp's pool), as a resilience test would: after a
 * stop the client fails, after a restart the same URL answers again from a new process, and the
 * next test of the scope gets a stopped backend back.
 */
@ExtendWith(OwnProcesses.class)
class StopAndRestartTests {

    @Test
    void stopEndsTheBackendAndRestartBringsItBackOnTheSameUrl() {
        TestKit.assertAllPassed(TestKit.run(RestartCases.class), 1);
    }

    @Test
    void theNextTestOfTheScopeGetsAStoppedBackendBack() {
        NextTestCases.pids.clear();
        TestKit.assertAllPassed(TestKit.run(NextTestCases.class), 2);
        assertThat(NextTestCases.pids).hasSize(2).doesNotHaveDuplicates();
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    static class RestartCases {
        private final OkHttpClient client = new OkHttpClient(); // pools its connections

        @Test
        void test(Backend backend) throws IOException {
            URI url = backend.baseUrl();
            long firstPid = backend.pid().getAsLong();
            assertThat(get(url)).isEqualTo(200);

            backend.stop();
            assertThat(backend.isRunning()).isFalse();
            assertThat(OwnProcesses.isAlive(firstPid)).isFalse();
            assertThatThrownBy(() -> get(url)).isInstanceOf(IOException.class);
            backend.stop(); // twice is fine

            backend.restart();
            assertThat(backend.isRunning()).isTrue();
            assertThat(backend.baseUrl()).isEqualTo(url);
            assertThat(backend.pid().getAsLong()).isNotEqualTo(firstPid);
            assertThat(get(url)).isEqualTo(200); // the same client reconnects

            long secondPid = backend.pid().getAsLong();
            backend.restart(); // while it runs: stopped first
            assertThat(OwnProcesses.isAlive(secondPid)).isFalse();
            assertThat(get(url)).isEqualTo(200);
        }

        private int get(URI url) throws IOException {
            try (Response response = client.newCall(new Request.Builder().url(url + "/health").build()).execute()) {
                return response.code();
            }
        }
    }

    @ManagedBackend(dir = DIR, app = "apps.hello:app")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class NextTestCases {
        static final List<Long> pids = new ArrayList<>();
        static URI firstUrl;

        @Test
        @Order(1)
        void stopsIt(Backend backend) {
            firstUrl = backend.baseUrl();
            pids.add(backend.pid().getAsLong());
            backend.stop();
        }

        @Test
        @Order(2)
        void getsItBack(Backend backend) {
            assertThat(backend.isRunning()).isTrue();
            assertThat(backend.baseUrl()).isEqualTo(firstUrl);
            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
            pids.add(backend.pid().getAsLong());
        }
    }
}
