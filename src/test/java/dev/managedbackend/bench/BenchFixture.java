package dev.managedbackend.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;

/** The class the extension contender runs: it only notes when it got the URL and the tree. */
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi")
class BenchFixture {

    static volatile long urlReceivedAt;
    static volatile List<ProcessHandle> tree;

    @Test
    void receivesUrl(@BackendUrl URI api, Backend backend) {
        note(backend);
    }

    /** When the test body got the URL, and the backend's tree at that moment. */
    static void note(Backend backend) {
        urlReceivedAt = System.nanoTime();
        ProcessHandle root = ProcessHandle.of(backend.pid().orElseThrow()).orElseThrow();
        List<ProcessHandle> handles = new ArrayList<>();
        handles.add(root);
        root.descendants().forEach(handles::add);
        tree = handles;
    }
}
