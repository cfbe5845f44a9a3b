package dev.managedbackend.internal.container;

import org.testcontainers.DockerClientFactory;

import com.github.dockerjava.api.exception.NotFoundException;

import dev.managedbackend.internal.crash.ContainerRemover;

/**
 * The crash guard's way to remove a container a killed test JVM left behind, where there is no
 * {@code docker} CLI: through Testcontainers' client. Looked up by name
 * ({@link ContainerRemover#TESTCONTAINERS_REMOVER}) only when a ledger sweep finds such a
 * container, so nothing else loads it.
 */
public final class LeftoverContainerRemover implements ContainerRemover {

    @Override
    public boolean remove(String containerId, String dockerHost) {
        DockerClientFactory docker = DockerClientFactory.instance();
        if (!dockerHost.isEmpty() && !dockerHost.equals(docker.getTransportConfig().getDockerHost().toString())) {
            return false; // another engine than the one Testcontainers talks to: leave it to the docker CLI
        }
        try {
            docker.client().removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (NotFoundException gone) {
            return true;
        }
    }

    @Override
    public String toString() {
        return "Testcontainers";
    }
}
