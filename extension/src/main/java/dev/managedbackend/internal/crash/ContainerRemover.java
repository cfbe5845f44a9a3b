package dev.managedbackend.internal.crash;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Removes a container that a dead test JVM left behind; the sweep's way to Docker. Found by
 * {@link #find()}: the {@code docker} CLI when it is on the PATH (fast, and needs nothing on the
 * classpath), else container mode's Testcontainers-based remover when container mode and
 * Testcontainers are on the classpath.
 *
 * <p>Container mode can offer its own by a public class with a public no-argument constructor
 * that implements this interface, named in {@code META-INF/services} and found through
 * {@link ServiceLoader} only when Testcontainers is on the classpath, so nothing here names a
 * class of container mode or loads Testcontainers.
 */
public interface ContainerRemover {

    /** How a registration names all containers with a label rather than one id: {@code label=KEY=VALUE}. */
    String LABEL_PREFIX = "label=";

    /**
     * Force-removes the container with its anonymous volumes.
     *
     * @param containerId its id, or {@code label=KEY=VALUE} for every container with that label
     *                    (registered before the container was created)
     * @param dockerHost  the engine it was started on ({@code DOCKER_HOST} form), or empty for the default
     * @return whether it is gone now (also when it was gone before, or was never created)
     * @throws EngineUnavailable if the engine did not answer in time or could not be reached
     */
    boolean remove(String containerId, String dockerHost);

    /** The engine, not the container, is the problem: it hangs or cannot be reached. The message says why. */
    final class EngineUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public EngineUnavailable(String message) {
            super(message);
        }
    }

    /** The first remover available here, if any. */
    static Optional<ContainerRemover> find() {
        Optional<Path> docker = onPath("docker");
        if (docker.isPresent()) {
            return Optional.of(new DockerCli(docker.get()));
        }
        ClassLoader loader = ContainerRemover.class.getClassLoader();
        try {
            // a Testcontainers class, not ours: is Testcontainers here at all?
            Class.forName("org.testcontainers.DockerClientFactory", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
        try {
            return ServiceLoader.load(ContainerRemover.class, loader).findFirst();
        } catch (ServiceConfigurationError | LinkageError e) {
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
        /** How long one docker call may take. */
        static final Duration CALL_BOUND = Duration.ofSeconds(10);
        /** What the docker CLI says when the engine, not the container, is the problem. */
        private static final Pattern UNREACHABLE = Pattern.compile(
                "Cannot connect to the Docker daemon|error during connect|connection refused|no such host");
        private final Path docker;

        DockerCli(Path docker) {
            this.docker = docker;
        }

        @Override
        public boolean remove(String containerId, String dockerHost) {
            if (containerId.startsWith(LABEL_PREFIX)) {
                Optional<List<String>> labelled = run(List.of("ps", "-aq", "--no-trunc", "--filter", containerId),
                        dockerHost).filter(out -> out.exitCode() == 0).map(out -> out.text().lines()
                                .map(String::strip).filter(line -> !line.isEmpty()).toList());
                return labelled.isPresent() && labelled.get().stream().allMatch(id -> remove(id, dockerHost));
            }
            return run(List.of("rm", "-f", "-v", containerId), dockerHost)
                    // gone already: docker's exact message for this id (a CLI before 23 exits 1 with it)
                    .filter(out -> out.exitCode() == 0 || out.text().strip().matches(
                            "(Error response from daemon|Error): No such container: " + Pattern.quote(containerId)))
                    .isPresent();
        }

        private record Output(int exitCode, String text) {
        }

        /**
         * Runs docker with {@code args} on that engine, bounded by {@link #CALL_BOUND} (its output is
         * read on a thread of its own, so the bound holds while docker waits for an engine that
         * never answers); empty if it could not run.
         *
         * @throws EngineUnavailable if docker did not end in time or says it cannot reach the engine
         */
        private Optional<Output> run(List<String> args, String dockerHost) {
            List<String> command = new ArrayList<>(List.of(docker.toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (!dockerHost.isEmpty()) {
                builder.environment().put("DOCKER_HOST", dockerHost);
            }
            try {
                Process process = builder.start();
                process.getOutputStream().close();
                CompletableFuture<byte[]> output = new CompletableFuture<>();
                Thread reader = new Thread(() -> {
                    try {
                        output.complete(process.getInputStream().readAllBytes());
                    } catch (IOException e) {
                        output.complete(new byte[0]);
                    }
                }, "managed-backend docker output");
                reader.setDaemon(true);
                reader.start();
                if (!process.waitFor(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new EngineUnavailable("docker " + String.join(" ", args) + " got no answer within "
                            + CALL_BOUND.toSeconds() + " s");
                }
                String text = new String(output.get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS),
                        StandardCharsets.UTF_8);
                if (process.exitValue() != 0 && UNREACHABLE.matcher(text).find()) {
                    throw new EngineUnavailable(text.strip());
                }
                return Optional.of(new Output(process.exitValue(), text));
            } catch (ExecutionException | TimeoutException e) {
                return Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return "docker CLI (" + docker + ")";
        }
    }
}
