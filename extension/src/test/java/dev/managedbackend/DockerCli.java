package dev.managedbackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.managedbackend.internal.container.ContainerLauncher;

/**
 * What the Docker engine holds, asked through the {@code docker} command line: an account of
 * the engine's state that does not go through Testcontainers, the code under test.
 */
final class DockerCli {

    private DockerCli() {
    }

    /**
     * Ids of all containers (running or not) whose owner label says JVM {@code jvmPid} (of this
     * host and pid namespace), backend {@code name}.
     */
    static List<String> containersOf(long jvmPid, String name) {
        return containersOf(jvmPid).stream().filter(line -> line.endsWith(":" + name))
                .map(line -> line.substring(0, line.indexOf(' '))).toList();
    }

    /** "id owner-label" of all containers created by the JVM {@code jvmPid}, whatever the backend. */
    static List<String> containersOf(long jvmPid) {
        return run("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Label \"" + ContainerLauncher.OWNER_LABEL + "\"}}")
                .stream().filter(line -> line.contains(" " + OwnProcesses.identityPrefix(jvmPid))).toList();
    }

    /**
     * Images built by the JVM {@code jvmPid} from {@code dockerfile}: the tagged ones, or with
     * {@code all} also the build's intermediate images (which carry the label too).
     */
    static List<String> imagesBuiltBy(long jvmPid, String dockerfile, boolean all) {
        return run("images", all ? "-aq" : "-q", "--no-trunc", "--filter", "label=" + ContainerLauncher.OWNER_LABEL)
                .stream().distinct().filter(id -> {
                    String owner = inspect("{{index .Config.Labels \"" + ContainerLauncher.OWNER_LABEL + "\"}}", id);
                    return owner.startsWith(OwnProcesses.identityPrefix(jvmPid)) && owner.endsWith(":" + dockerfile);
                }).toList();
    }

    /** Whether a container with this id exists in any state. */
    static boolean exists(String containerId) {
        return !run("ps", "-aq", "--no-trunc", "--filter", "id=" + containerId).isEmpty();
    }

    /** {@code docker inspect --format FORMAT ID}. */
    static String inspect(String format, String id) {
        return String.join("\n", run("inspect", "--format", format, id));
    }

    static List<String> run(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(Arrays.asList(args));
        try {
            Process docker = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!docker.waitFor(30, TimeUnit.SECONDS) || docker.exitValue() != 0) {
                throw new AssertionError(command + " failed (exit " + docker.exitValue() + "): " + out);
            }
            return out.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
