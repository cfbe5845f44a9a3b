package dev.managedbackend.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.managedbackend.BackendConfigurationException;

/**
 * The host address for a container's published port, by where Testcontainers reaches the
 * engine's ports: loopback only for an engine on this machine, Docker's default for one elsewhere,
 * and the configured address whatever the engine.
 */
class PublishAddressTests {

    @ParameterizedTest(name = "auto, ports reached at {0}: \"{1}\"")
    @CsvSource(value = {
            "localhost, 127.0.0.1", "127.0.0.1, 127.0.0.1", "127.0.1.1, 127.0.0.1", "::1, 127.0.0.1",
            "[::1], 127.0.0.1",
            // elsewhere: a remote engine, a Docker-in-Docker service, the bridge's gateway seen from a job's container
            "docker, ''", "build-host.example.com, ''", "10.0.0.5, ''", "172.17.0.1, ''"})
    void autoIsLoopbackOnlyForAnEngineOnThisMachine(String dockerHost, String hostIp) {
        assertThat(PublishAddress.parse("auto").hostIp(dockerHost)).isEqualTo(hostIp);
    }

    @ParameterizedTest(name = "configured {0}")
    @CsvSource({"0.0.0.0, 0.0.0.0", "172.18.0.3, 172.18.0.3", "' 127.0.0.1 ', 127.0.0.1", "::1, 0:0:0:0:0:0:0:1"})
    void aConfiguredAddressIsUsedWhateverTheEngine(String configured, String hostIp) {
        assertThat(PublishAddress.parse(configured).hostIp("localhost")).isEqualTo(hostIp);
        assertThat(PublishAddress.parse(configured).hostIp("docker")).isEqualTo(hostIp);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"my-laptop", "", "127.0.0.1:8000", "300.1.2.3", "1.2.3", "every"})
    void anythingElseIsRefusedNamingTheKey(String configured) {
        assertThatThrownBy(() -> PublishAddress.parse(configured)).isInstanceOf(BackendConfigurationException.class)
                .hasMessageStartingWith("Configuration parameter managedbackend.container.bindAddress = \"" + configured
                        + "\" is neither auto nor an IP address.");
    }
}
