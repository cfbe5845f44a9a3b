package dev.managedbackend.internal.container;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.BackendSpec;
import dev.managedbackend.internal.Caller;
import dev.managedbackend.internal.LogFile;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.AtExit;
import dev.managedbackend.internal.os.JvmIdentity;
import dev.managedbackend.internal.os.OwnerTag;

/**
 * Images built from a Dockerfile (Testcontainers' {@link ImageFromDockerfile}): built once per
 * test JVM for each Dockerfile and set of build arguments, shared by every backend that uses it,
 * and removed when the JVM exits, once the containers using it are gone (a JVM shutdown hook
 * waits for them). Nothing of a build is left in the engine afterwards: failed steps' containers
 * are removed too ({@code forcerm}).
 *
 * <p>The images also carry Testcontainers' session labels, so where its reaper (Ryuk) runs, it
 * removes them even after a JVM that was killed outright and ran no hook; where it does not,
 * {@link LeftoverImages} does, in the next JVM that builds an image.
 */
final class BuiltImages {

    /** How long the exit hook waits for containers that are still being stopped. */
    private static final Duration WAIT_FOR_USERS = Duration.ofSeconds(30);
    /** How long the exit hook waits for the engine to remove one image: an engine that hangs must not hold the exit. */
    private static final Duration REMOVAL_BOUND = Duration.ofSeconds(20);

    private static final ConcurrentMap<Key, Build> BUILDS = new ConcurrentHashMap<>();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    static {
        // at the class's first use, before any build: one given up at the deadline may still make its image
        AtExit.run(AtExit.Phase.REMOVE_IMAGES, "remove built images", BuiltImages::removeAll);
    }
    /** Docker's words for an image it could not get. */
    private static final Pattern PULL_PROBLEM = Pattern.compile(
            "(?i)pull access denied|manifest unknown|not found|no such host|dial tcp|registry");

    private BuiltImages() {
    }

    private record Key(Path dockerfile, Map<String, String> buildArgs) {
    }

    /** One image and the backends using it right now. */
    private static final class Build {
        final ImageFromDockerfile image;
        final AtomicLong users = new AtomicLong();
        volatile boolean built;

        Build(ImageFromDockerfile image) {
            this.image = image;
        }
    }

    /** A backend's use of a built image; closed once its container is removed. */
    static final class Lease implements AutoCloseable {
        private final Build build;
        private boolean closed;

        private Lease(Build build) {
            this.build = build;
        }

        String image() {
            return build.image.getDockerImageName();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                synchronized (build) {
                    build.users.decrementAndGet();
                    build.notifyAll();
                }
            }
        }
    }

    /**
     * Builds the image unless this JVM already has, and leases it. A build that is given up at the
     * start's deadline goes on in the engine while this JVM does (its image is removed at exit),
     * and ends with the JVM.
     */
    static Lease acquire(BackendSpec spec, Path dockerfile, Map<String, String> buildArgs, DockerClient docker,
            LogFile log, StartDeadline deadline) {
        LeftoverImages.sweepOnce(docker);
        Build build = BUILDS.computeIfAbsent(new Key(dockerfile, Map.copyOf(buildArgs)), key -> {
            ImageFromDockerfile image = newImage(key);
            // before the build: should this JVM be killed, its watchdog removes the image
            CrashGuard.watchImage(image.getDockerImageName(), ContainerLauncher.dockerHost());
            return new Build(image);
        });
        String byHand = "docker build -f " + dockerfile + " " + String.join(" ", buildArgs.entrySet().stream()
                .map(arg -> "--build-arg " + arg.getKey() + "=" + arg.getValue()).toList())
                + (buildArgs.isEmpty() ? "" : " ") + dockerfile.getParent();
        Caller caller = Caller.current();
        deadline.at(new StartDeadline.Step("it was still building " + caller.setting("dockerfile", dockerfile.toString())
                + " (" + (buildArgs.isEmpty() ? "no build arguments" : "build arguments " + buildArgs) + ")",
                "The build runs once per " + (caller == Caller.JAVA ? "test JVM" : "command") + ", within the "
                        + caller.name("startupTimeoutSeconds") + " of the first backend that needs it: raise "
                        + caller.name("startupTimeoutSeconds") + ", or build the image beforehand and use "
                        + caller.setting("image", "...") + ". Run the same build by hand to see which step takes long: " + byHand + "."));
        build.users.incrementAndGet();
        Lease lease = new Lease(build);
        try {
            if (!build.built) {
                log.note("building " + dockerfile + (buildArgs.isEmpty() ? "" : " with build args " + buildArgs)
                        + " as " + build.image.getDockerImageName());
            }
            long started = System.nanoTime();
            build.image.get(); // builds once; a failed build is tried again by the next caller
            if (!build.built) {
                build.built = true;
                log.note("built " + build.image.getDockerImageName() + " in "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
            }
            return lease;
        } catch (RuntimeException e) {
            lease.close();
            String reason = DockerReason.of(e);
            throw new BackendStartException("backend '" + spec.name() + "': docker build of "
                    + Caller.current().setting("dockerfile", dockerfile.toString()) + " (" + (buildArgs.isEmpty() ? "no build arguments" : "build arguments " + buildArgs)
                    + ") failed: " + reason + ". Run the same build by hand to see every step: " + byHand + "."
                    + (PULL_PROBLEM.matcher(reason).find() ? " " + ImageSource.buildArgsHint(buildArgs) + "." : ""), e);
        }
    }

    private static ImageFromDockerfile newImage(Key key) {
        String folder = key.dockerfile().getParent().getFileName().toString()
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        String name = "localhost/managed-backend/" + (folder.isEmpty() ? "app" : folder) + ":"
                + JvmIdentity.self() + "-" + SEQUENCE.incrementAndGet(); // unique to this JVM on a shared engine
        return new ImageFromDockerfile(name, true) // true: Testcontainers' session labels, for Ryuk
                .withDockerfile(key.dockerfile())
                .withBuildArgs(key.buildArgs())
                .withBuildImageCmdModifier(cmd -> cmd.withForcerm(true).withLabels(
                        Map.of(ContainerLauncher.OWNER_LABEL, ContainerLauncher.owner(key.dockerfile().toString()),
                                ContainerLauncher.JVM_LABEL, OwnerTag.jvmIdentity())));
    }

    /**
     * At JVM exit: waits for the containers using each image to be removed, then removes it; also
     * the image of a build that was given up but got as far as making it.
     */
    private static void removeAll() {
        long deadline = System.nanoTime() + WAIT_FOR_USERS.toNanos();
        for (Build build : List.copyOf(BUILDS.values())) {
            synchronized (build) {
                while (build.users.get() > 0 && System.nanoTime() < deadline) {
                    try {
                        build.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            remove(build.image.getDockerImageName());
        }
    }

    /**
     * Removes one image, bounded by {@link #REMOVAL_BOUND}, and tells the watchdog once it is
     * gone; an image that is not gone stays registered, so the watchdog tries again once the
     * JVM has exited.
     */
    private static void remove(String image) {
        Thread remover = new Thread(() -> {
            try {
                DockerClientFactory.instance().client().removeImageCmd(image).withForce(true).exec();
                CrashGuard.forgetImage(image, ContainerLauncher.dockerHost());
            } catch (NotFoundException notMade) {
                // a build that failed or was given up before it made the image
                CrashGuard.forgetImage(image, ContainerLauncher.dockerHost());
            } catch (RuntimeException e) {
                System.err.println("[managed-backend] could not remove the image " + image
                        + " built from a Dockerfile: " + e.getMessage());
            }
        }, "managed-backend remove image " + image);
        remover.setDaemon(true);
        remover.start();
        try {
            remover.join(REMOVAL_BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (remover.isAlive()) {
            System.err.println("[managed-backend] the Docker engine " + ContainerLauncher.dockerHost() + " did not "
                    + "remove the image " + image + " within " + REMOVAL_BOUND.toSeconds() + " s; the watchdog "
                    + "tries again once this JVM has exited");
        }
    }
}
