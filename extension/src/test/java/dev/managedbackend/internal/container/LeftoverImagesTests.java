package dev.managedbackend.internal.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * Images a killed JVM built and could not remove: the next sweep removes those whose owner JVM
 * is gone, and keeps those of a JVM that still runs. Images made here with the docker CLI, on
 * the sample image (scripts/build-sample-image.sh), labelled as the extension labels its builds.
 */
class LeftoverImagesTests {

    private static final String BASE = "sample-fastapi:dev";
    private static final String DEAD = "localhost/managed-backend/leftover-of-dead-jvm:test";
    private static final String LIVE = "localhost/managed-backend/leftover-of-live-jvm:test";

    @AfterEach
    void removeTestImages() throws Exception {
        docker("rmi", "-f", DEAD);
        docker("rmi", "-f", LIVE);
    }

    @Test
    void removesImagesOfGoneJvmsAndKeepsThoseOfLiveOnes() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        build(DEAD, gone.pid() + ":/some/Dockerfile");
        build(LIVE, ProcessHandle.current().pid() + ":/some/Dockerfile");
        String deadId = docker("images", "-q", "--no-trunc", DEAD).strip();
        assertThat(deadId).startsWith("sha256:");

        List<String> removed = LeftoverImages.sweep(DockerClientFactory.instance().client());

        assertThat(removed).contains(deadId);
        assertThat(docker("images", "-q", DEAD)).isBlank();
        assertThat(docker("images", "-q", LIVE)).isNotBlank();
    }

    private static void build(String tag, String owner) throws Exception {
        Path context = Files.createTempDirectory("leftover-image");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + BASE + "\nLABEL test=leftover-images\n");
        String out = docker("build", "-q", "--label", ContainerLauncher.OWNER_LABEL + "=" + owner, "-t", tag,
                context.toString());
        assertThat(out).as("docker build of %s", tag).contains("sha256:");
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process docker = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        docker.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
