package dev.managedbackend;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Whether an {@link ManagedBackend#app() app} backend is forked from a warm template process (a
 * Python that has imported uvicorn and the app once) instead of started cold: a fresh backend in
 * tens of milliseconds rather than a Python start. See the README's "Prefork" section for what
 * it guarantees and when it starts cold anyway.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Prefork {

    /** Forked from a template, where that is safe; else started cold, with one INFO line saying why. */
    ON,

    /** Started cold: {@code <python> -m uvicorn <app> ...}, a new interpreter that imports everything. */
    OFF,

    /**
     * Not a choice: the default of {@link ManagedBackend#prefork()}, meaning "not written", so
     * the configured {@value ManagedBackend#PREFORK_PROPERTY_NAME} ({@code true}/{@code false})
     * applies, else {@link #OFF}.
     */
    DEFAULT
}
