package dev.managedbackend.internal.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.BackendSpec.Mode;
import dev.managedbackend.internal.Caller;
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

    /** Marks each step at {@code deadline}: asking the engine for an image, pulling it, building one. */
    static Resolved resolve(BackendSpec spec, Map<String, String> buildArgs, DockerClient docker, LogFile log,
            StartDeadline deadline) {
        if (spec.mode() == Mode.DOCKERFILE) {
            Path dockerfile = Path.of(spec.dockerfile());
            for (DockerfileBases.Base base : DockerfileBases.of(spec.name(), dockerfile, buildArgs)) {
                String problem = presentOrPulled(base.image(), docker, log, deadline, new StartDeadline.Step(
                        "it was still pulling image " + base.image() + ", the base image (FROM) of "
                                + Caller.current().setting("dockerfile", dockerfile.toString())
                                + ", which is not in the Docker engine",
                        "Pull it beforehand (docker pull " + base.image() + ") and check that its registry answers "
                                + "from here. " + buildArgsHint(buildArgs) + ". Or raise " + Caller.current().name("startupTimeoutSeconds") + " (it "
                                + "bounds the whole start, pull and build included)."));
                if (problem != null) {
                    throw new BackendStartException("backend '" + spec.name() + "': "
                            + Caller.current().setting("dockerfile", dockerfile.toString()) + " builds on " + base.image() + (base.written().equals(base.image()) ? ""
                                    : " (FROM " + base.written() + ")") + ", which is not in the Docker engine and "
                            + "could not be pulled: " + problem + ". Pull or build it first. "
                            + buildArgsHint(buildArgs) + ".");
                }
            }
            BuiltImages.Lease lease = BuiltImages.acquire(spec, dockerfile, buildArgs, docker, log, deadline);
            return new Resolved(lease.image(), lease);
        }
        parse(spec);
        String problem = presentOrPulled(spec.image(), docker, log, deadline, new StartDeadline.Step(
                "it was still pulling image " + spec.image() + ", which is not in the Docker engine",
                "Pull it beforehand (docker pull " + spec.image() + ") and check that its registry answers from "
                        + "here, or raise " + Caller.current().name("startupTimeoutSeconds") + " (it bounds the whole start, the pull included)."));
        if (problem != null) {
            Caller caller = Caller.current();
            throw new BackendStartException("backend '" + spec.name() + "': " + caller.setting("image", spec.image())
                    + " is not in the Docker engine and could not be pulled: " + problem + ". Check the name, "
                    + "build it first (docker build -t " + spec.image() + " ...), or use "
                    + caller.setting("dockerfile", "path/to/Dockerfile") + " to let "
                    + (caller == Caller.JAVA ? "the extension" : "managed-backend") + " build it.");
        }
        return new Resolved(spec.image(), null);
    }

    private static DockerImageName parse(BackendSpec spec) {
        try {
            DockerImageName name = DockerImageName.parse(spec.image());
            name.assertValid(); // parse alone lets "My App" through, and the engine then answers 400
            return name;
        } catch (IllegalArgumentException e) {
            throw new BackendConfigurationException("backend '" + spec.name() + "': "
                    + Caller.current().setting("image", spec.image()) + " is not a valid image name (" + e.getMessage()
                    + "); write it as [registry/]repository[:tag], e.g. " + Caller.current().example("image", "my-app:dev")
                    + ".", e);
        }
    }

    /**
     * Null if {@code image} is local or could be pulled (one attempt), else Docker's reason. An
     * interrupt ends the pull in the engine too (the request is closed).
     */
    private static String presentOrPulled(String image, DockerClient docker, LogFile log, StartDeadline deadline,
            StartDeadline.Step pulling) {
        deadline.at(new StartDeadline.Step("the Docker engine had not yet said whether it has image " + image,
                "Check that the engine answers (docker info), or raise " + Caller.current().name("startupTimeoutSeconds") + "."));
        try {
            docker.inspectImageCmd(image).exec();
            return null;
        } catch (NotFoundException notLocal) {
            // pulled below
        }
        deadline.at(pulling);
        log.note("image " + image + " is not in the Docker engine; pulling it");
        DockerImageName name = DockerImageName.parse(image);
        ResultCallback.Adapter<PullResponseItem> pull = null;
        try {
            pull = docker.pullImageCmd(name.getUnversionedPart()).withTag(name.getVersionPart()).start();
            pull.awaitCompletion();
            log.note("pulled " + image);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                pull.close();
            } catch (IOException | RuntimeException ignored) {
                // the start is given up either way
            }
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
