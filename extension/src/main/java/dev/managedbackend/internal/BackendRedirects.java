package dev.managedbackend.internal;

import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * The one rule for redirects in every check of a backend's health (readiness, the command line's
 * {@code status}): followed only while they stay on the backend, same scheme, host and port. A
 * check that followed a redirect elsewhere would report another server's answer as the backend's,
 * and send a request wherever the app (or whoever took its port) points it.
 */
public final class BackendRedirects {

    /** How many redirects within the backend a check follows before it takes the answer as it is. */
    public static final int MAX = 5;

    private BackendRedirects() {
    }

    /** Where a redirect leads, if it stays on the backend; else null (not a redirect, or elsewhere). */
    public static HttpUrl target(HttpUrl from, Response response) {
        String location = response.isRedirect() ? response.header("Location") : null;
        HttpUrl to = location == null ? null : from.resolve(location);
        if (to == null || !to.scheme().equals(from.scheme()) || !to.host().equals(from.host()) || to.port() != from.port()) {
            return null;
        }
        return to;
    }
}
