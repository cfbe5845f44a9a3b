package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;

import org.apiguardian.api.API;

/** All backends visible to a test, injectable by type. */
@API(status = STABLE, since = "0.1")
public interface Backends {

    /**
     * The backend with this {@link ManagedBackend#name() name}.
     *
     * @param name the name it was declared with
     * @return that backend
     * @throws IllegalArgumentException naming the backends that exist, if there is none such
     */
    Backend get(String name);

    /** {@return every backend visible to the test, in declaration order (outer classes first)} */
    List<Backend> all();
}
