package dev.managedbackend.internal.container;

import java.nio.file.Path;
import java.util.Map;

import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendSpec.Mode;
import dev.managedbackend.internal.LogFile;

/**
 * Which image a container backend runs: the one {@code image} names (used if local, else pulled
 * once), or the one built from {@code dockerfile} (see {@link BuiltImages}).
 *
 * <p>A missing image is pulled with a single attempt rather than through Testcontainers, whose
 * pull retries server errors for two minutes: a registry that cannot be reached (a typo, an
 * offline machine) should fail the start at once, with Docker's own reason.
 */
final class ImageSource {

    private ImageSource() {
    }

    /** The image to run, present in the engine; and the built image's lease to release, if any. */
    record Resolved(String image, BuiltImages.Lease lease) {
    }

    static Resolved resolve(BackendSpec spec, Map<String, String> buildArgs, DockerClient docker, LogFile log) {
        if (spec.mode() == Mode.DOCKERFILE) {
            Path dockerfile = Path.of(spec.dockerfile());
            for (DockerfileBases.Base base : DockerfileBases.of(dockerfile, buildArgs)) {
                String problem = presentOrPulled(base.image(), docker, log);
                if (problem != null) {
                    throw new BackendStartException("backend '" + spec.name() + "': dockerfile = \"" + dockerfile
                            + "\" builds on " + base.image() + (base.written().equals(base.image()) ? ""
                                    : " (FROM " + base.written() + ")") + ", which is not in the Docker engine and "
                            + "could not be pulled: " + problem + ". Pull or build it first. "
                            + buildArgsHint(buildArgs) + ".");
                }
            }
            BuiltImages.Lease lease = BuiltImages.acquire(spec, dockerfile, buildArgs, log);
            return new Resolved(lease.image(), lease);
        }
        parse(spec);
        String problem = presentOrPulled(spec.image(), docker, log);
        if (problem != null) {
            throw new BackendStartException("backend '" + spec.name() + "': image = \"" + spec.image()
                    + "\" is not in the Docker engine and could not be pulled: " + problem + ". Check the name, "
                    + "build it first (docker build -t " + spec.image() + " ...), or use dockerfile = "
                    + "\"path/to/Dockerfile\" to let the extension build it.");
        }
        return new Resolved(spec.image(), null);
    }

    private static DockerImageName parse(BackendSpec spec) {
        try {
            return DockerImageName.parse(spec.image());
        } catch (IllegalArgumentException e) {
            throw new BackendConfigurationException("backend '" + spec.name() + "': image = \""
                    + spec.image() + "\" is not a valid image name (" + e.getMessage() + "); write it as "
                    + "[registry/]repository[:tag], e.g. \"my-app:dev\".", e);
        }
    }

    /** Null if {@code image} is local or could be pulled (one attempt), else Docker's reason. */
    private static String presentOrPulled(String image, DockerClient docker, LogFile log) {
        try {
            docker.inspectImageCmd(image).exec();
            return null;
        } catch (NotFoundException notLocal) {
            // pulled below
        }
        log.note("image " + image + " is not in the Docker engine; pulling it");
        try {
            DockerImageName name = DockerImageName.parse(image);
            docker.pullImageCmd(name.getUnversionedPart()).withTag(name.getVersionPart()).start().awaitCompletion();
            log.note("pulled " + image);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while pulling";
        } catch (RuntimeException e) {
            return DockerReason.of(e);
        }
    }

    /** The hint for a Dockerfile build that could not get its base image. */
    static String buildArgsHint(Map<String, String> buildArgs) {
        return "If a base image cannot be pulled here, let the Dockerfile take it from a build argument "
                + "(ARG BASE_IMAGE=...; FROM ${BASE_IMAGE}) and set it with -D"
                + ManagedBackend.CONTAINER_BUILD_ARGS_PROPERTY_NAME + "=BASE_IMAGE=an-image-you-have (build arguments "
                + (buildArgs.isEmpty() ? "now: none" : "now: " + buildArgs) + ")";
    }
}
