package dev.managedbackend.internal.container;

import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

import com.github.dockerjava.api.DockerClient;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.BackendSpec;

/**
 * The Docker engine, as Testcontainers finds it ({@code DOCKER_HOST}, its config file, the local
 * socket, ...). No engine is a clear failure within seconds, never a hang: Testcontainers tries
 * each place once and remembers the failure for the rest of the JVM.
 */
final class DockerEngine {

    private DockerEngine() {
    }

    /**
     * The client, or a failure that says no engine answers (an aborted test instead, where the
     * user opted in with {@value ManagedBackend#CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME}).
     */
    static DockerClient require(BackendSpec spec, boolean skipWithoutDocker) {
        try {
            return DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            String where = "backend '" + spec.name() + "' (" + spec.describe() + ")";
            if (mentionsRyuk(e)) {
                throw new BackendStartException(where + ": Testcontainers reached the Docker engine but could "
                        + "not start its reaper container (Ryuk): " + e.getMessage() + ". Where the Ryuk image "
                        + "cannot be pulled (an offline machine, a registry without it), set the environment "
                        + "variable TESTCONTAINERS_RYUK_DISABLED=true; the extension removes its containers "
                        + "itself, at the end of their scope and when the JVM exits.", e);
            }
            String dockerHost = System.getenv("DOCKER_HOST");
            String searched = "Testcontainers found no Docker engine that answers (DOCKER_HOST "
                    + (dockerHost == null ? "is not set" : "= " + dockerHost) + "; it also looks at "
                    + "~/.testcontainers.properties and the local socket /var/run/docker.sock): "
                    + e.getMessage();
            if (skipWithoutDocker) {
                throw new TestAbortedException(where + " needs a Docker engine; skipped because "
                        + ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME + " = true. " + searched);
            }
            throw new BackendStartException(where + " needs a Docker engine, and none is reachable. "
                    + searched + ". Start Docker, or point DOCKER_HOST at a running engine. Where these "
                    + "tests may run without Docker, set " + ManagedBackend.CONTAINER_SKIP_WITHOUT_DOCKER_PROPERTY_NAME
                    + "=true (junit-platform.properties or -D) to skip them instead of failing.", e);
        }
    }

    private static boolean mentionsRyuk(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("ryuk")) {
                return true;
            }
        }
        return false;
    }
}
