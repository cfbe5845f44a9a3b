package dev.managedbackend.bench;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;

/** The class the container contender runs: it notes when it got the URL, and the container. */
@ManagedBackend(image = "sample-fastapi:dev")
class BenchImageFixture {

    static volatile long urlReceivedAt;
    static volatile String containerId;

    @Test
    void receivesUrl(@BackendUrl URI api, Backend backend) {
        urlReceivedAt = System.nanoTime();
        containerId = backend.containerId().orElseThrow();
    }
}
