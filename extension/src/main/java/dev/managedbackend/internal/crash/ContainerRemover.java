package dev.managedbackend.internal.crash;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Removes a container that a dead test JVM left behind; the sweep's way to Docker. Found by
 * {@link #find()}: the {@code docker} CLI when it is on the PATH (fast, and needs nothing on the
 * classpath), else container mode's Testcontainers-based remover when container mode and
 * Testcontainers are on the classpath.
 *
 * <p>Container mode can offer its own by a public class {@value #TESTCONTAINERS_REMOVER} with a
 * public no-argument constructor that implements this interface; it is looked up by name, so
 * nothing here loads Testcontainers.
 */
public interface ContainerRemover {

    /** Class name of container mode's remover, if it has one. */
    String TESTCONTAINERS_REMOVER = "dev.managedbackend.internal.container.LeftoverContainerRemover";

    /**
     * Force-removes the container with its anonymous volumes.
     *
     * @param dockerHost the engine it was started on ({@code DOCKER_HOST} form), or empty for the default
     * @return whether it is gone now (also when it was gone before)
     */
    boolean remove(String containerId, String dockerHost);

    /** The first remover available here, if any. */
    static Optional<ContainerRemover> find() {
        Optional<Path> docker = onPath("docker");
        if (docker.isPresent()) {
            return Optional.of(new DockerCli(docker.get()));
        }
        try {
            ClassLoader loader = ContainerRemover.class.getClassLoader();
            Class.forName("org.testcontainers.DockerClientFactory", false, loader);
            return Optional.of((ContainerRemover) Class.forName(TESTCONTAINERS_REMOVER, true, loader)
                    .getConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code docker rm -f -v <id>}, with {@code DOCKER_HOST} set to the engine the container ran on. */
    final class DockerCli implements ContainerRemover {
        private final Path docker;

        DockerCli(Path docker) {
            this.docker = docker;
        }

        @Override
        public boolean remove(String containerId, String dockerHost) {
            List<String> command = new ArrayList<>(List.of(docker.toString(), "rm", "-f", "-v", containerId));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (!dockerHost.isEmpty()) {
                builder.environment().put("DOCKER_HOST", dockerHost);
            }
            try {
                Process process = builder.start();
                process.getOutputStream().close();
                byte[] output = process.getInputStream().readAllBytes();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return false;
                }
                // gone already: docker's exact message for this id (a CLI before 23 exits 1 with it)
                return process.exitValue() == 0 || new String(output, StandardCharsets.UTF_8).strip()
                        .matches("(Error response from daemon|Error): No such container: " + Pattern.quote(containerId));
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public String toString() {
            return "docker CLI (" + docker + ")";
        }
    }
}
