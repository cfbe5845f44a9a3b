package dev.managedbackend.bench;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.Prefork;

/** {@link BenchFixture} with prefork: the same app, forked from its template. */
@ManagedBackend(app = "app.main:app", dir = "sample-fastapi", prefork = Prefork.ON)
class BenchPreforkFixture {

    @Test
    void receivesUrl(@BackendUrl URI api, Backend backend) {
        BenchFixture.note(backend);
    }
}
