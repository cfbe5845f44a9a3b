package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * Container mode on a real Docker engine: an image that exists ({@code sample-fastapi:dev}, made
 * by scripts/build-sample-image.sh) and the sample app's Dockerfile, built here on the offline
 * base image through a build argument. Each checks injection, the app's answers, env, the
 * backend's facts and that no container is left afterwards.
 */
class ContainerModeTests {

    static final String IMAGE = "sample-fastapi:dev";
    /** The sample app's Dockerfile, relative to the surefire working directory (extension/). */
    static final String DOCKERFILE = "../sample-fastapi/Dockerfile";
    /** The base image scripts/docker-base.sh makes where no registry can be reached. */
    static final String OFFLINE_BASE = "managed-backend/python-fastapi:bookworm";

    static final Map<String, Object> SEEN = new ConcurrentHashMap<>();
    static final long JVM = ProcessHandle.current().pid();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    @Test
    void runsAnImageAndInjectsTheMappedPort() throws Exception {
        EngineExecutionResults results = TestKit.run(ImageCases.class);

        TestKit.assertAllPassed(results, 2);
        String containerId = (String) SEEN.get("containerId");
        int port = (Integer) SEEN.get("port");
        assertThat(SEEN).containsEntry("URI", URI.create("http://127.0.0.1:" + port))
                .containsEntry("@BeforeAll URI", SEEN.get("URI"))
                .containsEntry("host", "127.0.0.1")
                .containsEntry("pid", OptionalLong.empty())
                .containsEntry("running", true)
                .containsEntry("GET /health", new Http.Answer(200, "{\"status\":\"ok\"}"))
                .containsEntry("GET /items", new Http.Answer(200, "[]"))
                .containsEntry("GET /env/GREETING", new Http.Answer(200, "{\"key\":\"GREETING\",\"value\":\"hi from env\"}"))
                .containsEntry("second test containerId", containerId);
        assertThat(SEEN.get("docker inspect")).describedAs("the container as Docker sees it")
                .isEqualTo("running " + IMAGE + " " + OwnerTag.of("default"));
        Path log = (Path) SEEN.get("logFile");
        assertThat(log.getFileName().toString()).startsWith("ContainerModeTests_ImageCases-default-");
        assertThat(log).content().contains("[managed-backend] starting a container of sample-fastapi:dev",
                "Uvicorn running on http://0.0.0.0:8000", "GET /items HTTP/1.1\" 200");

        assertThat(DockerCli.exists(containerId)).describedAs("container %s after the class", containerId).isFalse();
        assertThat(DockerCli.containersOf(JVM)).describedAs("containers of this JVM after the class").isEmpty();
        assertThat(OwnProcesses.canBind(port)).describedAs("host port %d after the class", port).isTrue();
    }

    /**
     * Build arguments for the sample Dockerfile: as configured (-Dmanagedbackend.container.buildArgs),
     * else the offline base image where this machine has one, else none (its default base is pulled).
     */
    static Map<String, String> buildArgs() {
        String key = ManagedBackend.CONTAINER_BUILD_ARGS_PROPERTY_NAME;
        if (System.getProperty(key) != null) {
            return Map.of(key, System.getProperty(key));
        }
        return DockerCli.run("images", "-q", OFFLINE_BASE).isEmpty() ? Map.of() : Map.of(key, "BASE_IMAGE=" + OFFLINE_BASE);
    }

    @Test
    void buildsADockerfileOnceAndRunsIt() {
        EngineExecutionResults results = TestKit.run(buildArgs(), DockerfileCases.class, DockerfileAgainCases.class);

        TestKit.assertAllPassed(results, 2);
        String image = (String) SEEN.get("image");
        assertThat(image).startsWith("localhost/managed-backend/sample-fastapi:" + JvmIdentity.self() + "-");
        assertThat(SEEN).containsEntry("GET /health", new Http.Answer(200, "{\"status\":\"ok\"}"))
                .containsEntry("GET /env/GREETING", new Http.Answer(200, "{\"key\":\"GREETING\",\"value\":\"built\"}"))
                .containsEntry("again: image", image);
        assertThat(SEEN.get("again: containerId")).isNotEqualTo(SEEN.get("containerId"));
        assertThat(DockerCli.containersOf(JVM)).describedAs("containers of this JVM after the classes").isEmpty();
        String dockerfile = Path.of(DOCKERFILE).toAbsolutePath().normalize().toString();
        assertThat(DockerCli.imagesBuiltBy(JVM, dockerfile, false)).describedAs("the image, kept for this JVM's other tests")
                .hasSize(1);
    }

    /**
     * A JVM that exits in the middle of a test (no JUnit teardown) still removes its container,
     * through the shutdown hook, and then the image it built: nothing of the run stays.
     */
    @Test
    void aJvmThatExitsRemovesItsContainerAndItsBuiltImage(@TempDir Path temp) throws Exception {
        IsolatedRun child = new IsolatedRun(System.getProperty("java.class.path"), temp, buildArgs().entrySet().stream()
                .map(entry -> "-D" + entry.getKey() + "=" + entry.getValue()).toList());

        int exit = child.run(ExitingCases.class.getName());

        String output = child.output();
        assertThat(exit).describedAs("exit code of the child JVM; %s; output:%n%s",
                exit == 0 ? child.outcome(ExitingCases.class) : "", output).isEqualTo(42);
        long childPid = Long.parseLong(Files.readString(temp.resolve("child.pid")));
        String dockerfile = Path.of(DOCKERFILE).toAbsolutePath().normalize().toString();
        assertThat(DockerCli.containersOf(childPid)).describedAs("containers of the child JVM; " + output).isEmpty();
        assertThat(DockerCli.imagesBuiltBy(childPid, dockerfile, true)).describedAs("images the child built; " + output)
                .isEmpty();
    }

    @ManagedBackend(image = IMAGE, env = "GREETING=hi from env")
    static class ImageCases {

        @BeforeAll
        static void beforeAll(@BackendUrl URI url) {
            SEEN.put("@BeforeAll URI", url);
        }

        @Test
        void first(@BackendUrl URI url, Backend backend) {
            String id = backend.containerId().orElseThrow();
            SEEN.put("URI", url);
            SEEN.put("containerId", id);
            SEEN.put("port", backend.port());
            SEEN.put("host", backend.host());
            SEEN.put("pid", backend.pid());
            SEEN.put("running", backend.isRunning());
            SEEN.put("logFile", backend.logFile());
            SEEN.put("GET /health", Http.get(url + "/health"));
            SEEN.put("GET /items", Http.get(url + "/items"));
            SEEN.put("GET /env/GREETING", Http.get(url + "/env/GREETING"));
            SEEN.put("docker inspect", DockerCli.inspect("{{.State.Status}} {{.Config.Image}} "
                    + "{{index .Config.Labels \"dev.managedbackend.owner\"}}", id));
        }

        @Test
        void second(Backend backend) {
            SEEN.put("second test containerId", backend.containerId().orElseThrow());
        }
    }

    @ManagedBackend(dockerfile = DOCKERFILE, env = "GREETING=built")
    static class DockerfileCases {

        @Test
        void answers(@BackendUrl String url, Backend backend) {
            String id = backend.containerId().orElseThrow();
            SEEN.put("containerId", id);
            SEEN.put("image", DockerCli.inspect("{{.Config.Image}}", id));
            SEEN.put("GET /health", Http.get(url + "/health"));
            SEEN.put("GET /env/GREETING", Http.get(url + "/env/GREETING"));
        }
    }

    @ManagedBackend(dockerfile = DOCKERFILE)
    static class DockerfileAgainCases {

        @Test
        void usesTheSameImage(Backend backend) {
            String id = backend.containerId().orElseThrow();
            SEEN.put("again: containerId", id);
            SEEN.put("again: image", DockerCli.inspect("{{.Config.Image}}", id));
        }
    }

    /** Runs in a child JVM ({@link IsolatedRun}): exits while its backend runs. */
    @ManagedBackend(dockerfile = DOCKERFILE)
    static class ExitingCases {

        @Test
        void exits(Backend backend) throws Exception {
            assertThat(backend.containerId()).isPresent();
            Files.writeString(IsolatedRun.directory().resolve("child.pid"), Long.toString(JVM));
            System.exit(42);
        }
    }
}
