package dev.managedbackend.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;

import dev.managedbackend.Backend;
import dev.managedbackend.Backends;
import dev.managedbackend.ManagedBackend;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Ten backends started at once by one class (a light Python server, so forty of them fit on two
 * cores). Each JVM of the stress test runs this class and appends one line per backend to the
 * file named by {@code -Dstress.out}: JVM pid, backend name, port, server pid, and the pid that
 * really holds the port's listening socket.
 */
@ManagedBackend(name = "b0", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b1", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b2", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b3", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b4", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b5", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b6", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b7", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b8", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
@ManagedBackend(name = "b9", command = {"python3", "-m", "http.server", "{port}", "--bind", "{host}"}, healthPath = "/")
class StressFixture {

    @Test
    void allTenAnswer(Backends backends) throws IOException {
        OkHttpClient http = new OkHttpClient();
        StringBuilder lines = new StringBuilder();
        for (Backend backend : backends.all()) {
            try (Response response = http.newCall(new Request.Builder().url(backend.baseUrl() + "/").build()).execute()) {
                assertThat(response.code()).as("GET / of %s", backend).isEqualTo(200);
            }
            // A collision is a URL that reaches a process other than the backend it was handed for.
            long owner = ListenerOwner.of(backend.port()).orElse(-1);
            lines.append(String.format("%d %s %d %d %d%n", ProcessHandle.current().pid(), backend.name(),
                    backend.port(), backend.pid().orElseThrow(), owner));
        }
        Files.writeString(Path.of(System.getProperty("stress.out")), lines,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
