package dev.managedbackend.internal;

import dev.managedbackend.Backend;

/**
 * {@code managedbackend.<name>.url}: a system property set while a backend runs, for code under
 * test or tools that cannot take a parameter, and removed when it stops, so that it never names
 * a backend that is gone. With classes running in parallel, each declaring a backend of the same
 * name, it holds the one that started (or was joined) last, and once that one stops it is
 * removed even if another of that name still runs: inject the URL where that matters.
 */
public final class UrlProperty {

    private UrlProperty() {
    }

    public static String name(Backend backend) {
        return "managedbackend." + backend.name() + ".url";
    }

    static void set(Backend backend) {
        System.setProperty(name(backend), backend.baseUrl().toString());
    }

    /** Removes the property if it still names this backend. */
    static void clear(LaunchedBackend backend) {
        System.getProperties().remove("managedbackend." + backend.name() + ".url", backend.baseUrl().toString());
    }
}
