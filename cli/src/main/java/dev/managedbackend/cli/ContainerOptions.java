package dev.managedbackend.cli;

import picocli.CommandLine.Option;

/**
 * The options of a container backend, on the commands that can run one ({@code run}); not on
 * {@code start}, whose backend must outlive it, which a container started through Testcontainers
 * cannot (its reaper removes it when the JVM exits).
 */
final class ContainerOptions {

    @Option(names = "--image", paramLabel = "IMAGE", description = "container mode: an image that is local or can be pulled")
    String image;

    @Option(names = "--dockerfile", paramLabel = "FILE", description = "container mode: a Dockerfile to build; its folder "
            + "is the build context")
    String dockerfile;

    @Option(names = "--container-port", paramLabel = "PORT", description = "container mode: the port the app listens on "
            + "inside the container (default: 8000)")
    Integer containerPort;
}
