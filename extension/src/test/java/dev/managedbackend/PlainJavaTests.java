package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link BackendBuilder#start()} without the JUnit extension, as a {@code main}, a TestNG suite
 * or the command line uses it: the same checks, start and stop as the annotation. (JUnit only
 * runs these methods; nothing of the extension is involved.)
 */
@ExtendWith(OwnProcesses.class)
class PlainJavaTests {

    @Test
    void startReturnsAReadyBackendThatCloseStops() {
        long pid;
        try (Backend backend = BackendBuilder.app("apps.env:app").dir(DIR).env("GREETING", "hi")
                .env("TOKEN", () -> "computed").start()) {
            pid = backend.pid().getAsLong();
            assertThat(backend.name()).isEqualTo("default");
            assertThat(Http.get(backend.baseUrl() + "/env/GREETING").body()).contains("\"hi\"");
            assertThat(Http.get(backend.baseUrl() + "/env/TOKEN").body()).contains("\"computed\"");
        }
        assertThat(OwnProcesses.isAlive(pid)).isFalse();
    }

    @Test
    void aBuilderStartsAsManyBackendsAsItIsAskedFor() {
        BackendBuilder builder = BackendBuilder.command("python3", "-m", "http.server", "{port}", "--bind", "{host}")
                .name("files").dir(DIR).healthPath("/");
        try (Backend one = builder.start(); Backend two = builder.start()) {
            assertThat(one.port()).isNotEqualTo(two.port());
            assertThat(Http.get(one.baseUrl() + "/").status()).isEqualTo(200);
            assertThat(Http.get(two.baseUrl() + "/").status()).isEqualTo(200);
        }
    }

    @Test
    void badInputIsTheAnnotationsConfigurationError() {
        assertThatThrownBy(() -> BackendBuilder.app("not a module").dir(DIR).start())
                .isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessageContaining("app = \"not a module\"");
    }

    @Test
    void aFailedStartThrowsWithTheLogAndLeavesNothing() {
        assertThatThrownBy(() -> BackendBuilder.app("apps.broken:app").dir(DIR).start())
                .isExactlyInstanceOf(BackendStartException.class)
                .hasMessageContaining("exited with code 1 before it was ready")
                .hasMessageContaining("ModuleNotFoundError");
    }

    @Test
    void restartWorksOutsideJUnitToo() {
        try (Backend backend = BackendBuilder.app("apps.hello:app").dir(DIR).start()) {
            long first = backend.pid().getAsLong();
            backend.restart();
            assertThat(backend.pid().getAsLong()).isNotEqualTo(first);
            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
        }
    }
}
