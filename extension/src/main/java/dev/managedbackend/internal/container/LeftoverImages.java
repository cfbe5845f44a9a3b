package dev.managedbackend.internal.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Image;

import dev.managedbackend.internal.os.JvmIdentity;

/**
 * Images built from a Dockerfile by a test JVM that was killed outright, so that its exit hook
 * never removed them: the next JVM that builds one removes them first. Where Testcontainers'
 * reaper (Ryuk) runs it does the same; this covers the machines where it cannot.
 *
 * <p>An image counts as left over only when its {@link ContainerLauncher#JVM_LABEL} names a JVM
 * that is provably gone: one of this host, in this boot (the kernel's boot id) and this pid
 * namespace, whose pid and start no longer run ({@link JvmIdentity#isProvablyGone}). On a shared
 * or remote engine, another host's or another container's (pid namespace's) images never match,
 * whatever their pids; nor do an earlier boot's, or images without the label: their own JVM's
 * exit hook or watchdog removes those. The mistake this can make is to keep an image, never to remove one that is in use.
 */
public final class LeftoverImages {

    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private LeftoverImages() {
    }

    /** Sweeps once per JVM. */
    static void sweepOnce(DockerClient client) {
        if (SWEPT.compareAndSet(false, true)) {
            sweep(client);
        }
    }

    /** Removes the left-over images; returns their ids. */
    public static List<String> sweep(DockerClient client) {
        List<String> removed = new ArrayList<>();
        List<Image> labelled;
        try {
            labelled = client.listImagesCmd().withShowAll(true).withLabelFilter(ContainerLauncher.JVM_LABEL).exec();
        } catch (RuntimeException e) {
            return removed; // the build that follows reports an engine that does not answer
        }
        for (Image image : labelled) {
            if (!ownerIsGone(image.getLabels())) {
                continue;
            }
            try {
                client.removeImageCmd(image.getId()).withForce(true).exec();
                removed.add(image.getId());
            } catch (RuntimeException alreadyGoneOrInUse) {
                // removed with its child image a moment ago, or still used by a container that
                // the crash sweep has not removed yet: the next sweep gets it
            }
        }
        return removed;
    }

    private static boolean ownerIsGone(Map<String, String> labels) {
        return labels != null && JvmIdentity.isProvablyGone(labels.get(ContainerLauncher.JVM_LABEL));
    }
}
