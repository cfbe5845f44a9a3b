package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Where Docker publishes a container backend's port, as the engine reports it ({@code docker
 * inspect}): on the loopback address only for this machine's engine, so the app under test is
 * not reachable from the network; on the configured address where
 * {@value ManagedBackend#CONTAINER_BIND_ADDRESS_PROPERTY_NAME} says one.
 */
class PublishedPortTests {

    /** Both the requested bindings and the ones Docker made, one line per binding. */
    private static final String BINDINGS = "{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}asked {{$p}} "
            + "{{.HostIp}}:{{.HostPort}}\n{{end}}{{end}}{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}"
            + "bound {{$p}} {{.HostIp}}:{{.HostPort}}\n{{end}}{{end}}";

    @Test
    void anEngineOnThisMachinePublishesOnTheLoopbackAddressOnly() throws Exception {
        try (Backend backend = BackendBuilder.image(ContainerModeTests.IMAGE).start()) {
            String id = backend.containerId().orElseThrow();
            int port = backend.port();

            assertThat(DockerCli.inspect(BINDINGS, id).lines())
                    .describedAs("port bindings of container %s (docker inspect)", id)
                    .containsExactlyInAnyOrder("asked 8000/tcp 127.0.0.1:", "bound 8000/tcp 127.0.0.1:" + port);
            assertThat(Http.get(backend.baseUrl() + "/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aFixedPortIsPublishedOnTheLoopbackAddressToo() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // from the kernel's ephemeral range: not one the extension leases
        }
        try (Backend backend = BackendBuilder.image(ContainerModeTests.IMAGE).port(port).start()) {
            String id = backend.containerId().orElseThrow();

            assertThat(DockerCli.inspect(BINDINGS, id).lines())
                    .describedAs("port bindings of container %s (docker inspect)", id)
                    .containsExactlyInAnyOrder("asked 8000/tcp 127.0.0.1:" + port, "bound 8000/tcp 127.0.0.1:" + port);
        }
    }

    @Test
    void theConfiguredAddressIsUsed() {
        EngineExecutionResults results = TestKit.run(
                Map.of(ManagedBackend.CONTAINER_BIND_ADDRESS_PROPERTY_NAME, "0.0.0.0"), EveryAddressCases.class);

        TestKit.assertAllPassed(results, 1);
        assertThat(EveryAddressCases.seen).describedAs("port bindings with bindAddress 0.0.0.0")
                .contains("asked 8000/tcp 0.0.0.0:").doesNotContain("127.0.0.1");
    }

    @Test
    void aBindAddressThatIsNoAddressIsRefusedNamingTheKey() {
        EngineExecutionResults results = TestKit.run(
                Map.of(ManagedBackend.CONTAINER_BIND_ADDRESS_PROPERTY_NAME, "my-laptop"), EveryAddressCases.class);

        assertThat(TestKit.classFailure(results, EveryAddressCases.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter managedbackend.container.bindAddress = \"my-laptop\" is neither "
                        + "auto nor an IP address. Write auto (the loopback address for an engine on this machine), "
                        + "an address of the engine's host such as 127.0.0.1, or 0.0.0.0 for every IPv4 address.");
    }

    @ManagedBackend(image = ContainerModeTests.IMAGE)
    static class EveryAddressCases {
        static volatile String seen;

        @Test
        void inspect(Backend backend) {
            seen = DockerCli.inspect(BINDINGS, backend.containerId().orElseThrow());
        }
    }
}
