package dev.managedbackend.internal.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.BackendStartException;

/**
 * The base images a Dockerfile names, read before the build: in any encoding, with build
 * arguments filled in; a Dockerfile that cannot be read is a start failure that names it.
 */
class DockerfileBasesTests {

    @Test
    void readsTheBasesOfADockerfileInAnyEncoding(@TempDir Path temp) throws Exception {
        Path dockerfile = temp.resolve("Dockerfile");
        Files.write(dockerfile, ("# Gr\u00fc\u00dfe aus K\u00f6ln: a Latin-1 comment\n"
                + "ARG BASE_IMAGE=python:3.12-slim\n"
                + "FROM ${BASE_IMAGE} AS build\n"
                + "FROM build\n"
                + "FROM --platform=linux/amd64 debian:bookworm\n").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(DockerfileBases.of("api", dockerfile, Map.of())).containsExactly(
                new DockerfileBases.Base("${BASE_IMAGE}", "python:3.12-slim"),
                new DockerfileBases.Base("debian:bookworm", "debian:bookworm"));
        assertThat(DockerfileBases.of("api", dockerfile, Map.of("BASE_IMAGE", "my-base:1")))
                .first().isEqualTo(new DockerfileBases.Base("${BASE_IMAGE}", "my-base:1"));
    }

    @Test
    void aDockerfileThatCannotBeReadFailsTheStartNamingIt(@TempDir Path temp) {
        Path gone = temp.resolve("Dockerfile"); // checked when the class started, deleted since

        assertThatThrownBy(() -> DockerfileBases.of("api", gone, Map.of()))
                .isInstanceOf(BackendStartException.class)
                .hasMessage("backend 'api': dockerfile = \"" + gone + "\" could not be read "
                        + "(java.nio.file.NoSuchFileException: " + gone + "); the extension reads it to find its base "
                        + "images (FROM) before the build. Check that it is still there and that the user running the "
                        + "tests (" + System.getProperty("user.name") + ") may read it and its folder, the build context.");
    }
}
