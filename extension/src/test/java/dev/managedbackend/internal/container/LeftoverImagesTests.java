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

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * Images a killed JVM built and could not remove: the next sweep removes those whose JVM is
 * provably gone on this host (this boot and pid namespace, pid and start no longer running), and
 * keeps those of a JVM that still runs, of another host or pid namespace (a shared engine), and
 * those without the identity label. Images made here with the docker CLI, on
 * the sample image (scripts/build-sample-image.sh), labelled as the extension labels its builds.
 */
class LeftoverImagesTests {

    private static final String BASE = "sample-fastapi:dev";
    private static final String DEAD = "localhost/managed-backend/leftover-of-dead-jvm:test";
    private static final String REUSED = "localhost/managed-backend/leftover-of-reused-pid:test";
    private static final String LIVE = "localhost/managed-backend/leftover-of-live-jvm:test";
    private static final String OTHER_HOST = "localhost/managed-backend/leftover-of-other-host:test";
    private static final String EARLIER = "localhost/managed-backend/leftover-without-identity:test";
    private static final String OTHER_NAMESPACE = "localhost/managed-backend/leftover-of-other-pid-namespace:test";

    @AfterEach
    void removeTestImages() throws Exception {
        for (String tag : List.of(DEAD, REUSED, LIVE, OTHER_HOST, EARLIER, OTHER_NAMESPACE)) {
            docker("rmi", "-f", tag);
        }
    }

    @Test
    void removesOnlyImagesWhoseJvmIsProvablyGoneOnThisHost() throws Exception {
        assertThat(ProcessIdentity.bootId()).hasSize(32); // Linux: the kernel's boot id
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long self = ProcessHandle.current().pid();
        long selfStart = ProcessIdentity.startOf(self).orElseThrow();
        String here = JvmIdentity.pidNamespace();
        build(DEAD, ContainerLauncher.JVM_LABEL, identity(ProcessIdentity.boot(), here, gone.pid(), 12345));
        // a pid reused since
        build(REUSED, ContainerLauncher.JVM_LABEL, identity(ProcessIdentity.boot(), here, self, selfStart - 1));
        build(LIVE, ContainerLauncher.JVM_LABEL, OwnerTag.jvmIdentity());
        // a shared or remote engine: another host's build, whose pid is free here, is not ours to judge
        build(OTHER_HOST, ContainerLauncher.JVM_LABEL, identity("01234567", here, gone.pid(), 1));
        // a CI job in a container of its own on this host's engine: same boot, its pids are not ours to see
        build(OTHER_NAMESPACE, ContainerLauncher.JVM_LABEL, identity(ProcessIdentity.boot(), "1", gone.pid(), 12345));
        build(EARLIER, ContainerLauncher.OWNER_LABEL, gone.pid() + ":/some/Dockerfile"); // no identity: kept
        String deadId = docker("images", "-q", "--no-trunc", DEAD).strip();
        assertThat(deadId).startsWith("sha256:");

        List<String> removed = LeftoverImages.sweep(DockerClientFactory.instance().client());

        assertThat(removed).contains(deadId);
        assertThat(docker("images", "-q", DEAD)).isBlank();
        assertThat(docker("images", "-q", REUSED)).isBlank();
        assertThat(docker("images", "-q", LIVE)).isNotBlank();
        assertThat(docker("images", "-q", OTHER_HOST)).isNotBlank();
        assertThat(docker("images", "-q", EARLIER)).isNotBlank();
        assertThat(docker("images", "-q", OTHER_NAMESPACE)).isNotBlank();
    }

    private static String identity(String boot, String pidNamespace, long pid, long start) {
        return new JvmIdentity.Self(boot, pidNamespace, pid, start, "5eed").toString();
    }

    /** A distinct image per tag (the label makes it one), labelled as given. */
    private static void build(String tag, String label, String value) throws Exception {
        Path context = Files.createTempDirectory("leftover-image");
        Files.writeString(context.resolve("Dockerfile"), "FROM " + BASE + "\nLABEL test=leftover-images\n");
        String out = docker("build", "-q", "--label", label + "=" + value, "-t", tag, context.toString());
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
