package dev.managedbackend.internal.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.testcontainers.DockerClientFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;

import dev.managedbackend.internal.crash.ContainerRemover;

/**
 * Removes containers that nobody will stop, through Testcontainers' client: those a killed test
 * JVM left behind, for the crash guard where there is no {@code docker} CLI (found through
 * {@link java.util.ServiceLoader}, {@code META-INF/services}, only when a ledger sweep finds one, so nothing
 * else loads it); and those a start created after its deadline ({@link #removeLabelled}).
 */
public final class LeftoverContainerRemover implements ContainerRemover {

    @Override
    public boolean remove(String containerId, String dockerHost) {
        DockerClientFactory docker = DockerClientFactory.instance();
        if (!dockerHost.isEmpty() && !dockerHost.equals(docker.getTransportConfig().getDockerHost().toString())) {
            return false; // another engine than the one Testcontainers talks to: leave it to the docker CLI
        }
        if (containerId.startsWith(LABEL_PREFIX)) {
            String label = containerId.substring(LABEL_PREFIX.length());
            int eq = label.indexOf('=');
            Map<String, String> labels = eq < 0 ? Map.of(label, "") : Map.of(label.substring(0, eq), label.substring(eq + 1));
            try {
                removeLabelled(docker.client(), labels);
                return docker.client().listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().isEmpty();
            } catch (RuntimeException e) {
                return false;
            }
        }
        return remove(docker.client(), containerId);
    }

    /**
     * Removes every container, in any state, that carries all of {@code labels}: what a start that
     * was given up created after all. Returns their ids.
     */
    static List<String> removeLabelled(DockerClient client, Map<String, String> labels) {
        List<String> removed = new ArrayList<>();
        for (Container container : client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
            if (remove(client, container.getId())) {
                removed.add(container.getId());
            }
        }
        return removed;
    }

    /**
     * Force-removes the container with its anonymous volumes: the one way container mode removes
     * a container (after the normal stop, to make sure; a late create; a sweep without the docker
     * CLI). True if it is gone now, also when it was gone before; false if the engine refused.
     */
    static boolean remove(DockerClient client, String containerId) {
        try {
            client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (NotFoundException gone) {
            return true;
        } catch (RuntimeException refused) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Testcontainers";
    }
}
