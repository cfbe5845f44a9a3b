package dev.managedbackend.internal;

import java.net.URI;
import java.net.http.HttpResponse;

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

    /** Whether the answer is a redirect (a status that comes with a {@code Location}). */
    public static boolean isRedirect(HttpResponse<?> response) {
        int code = response.statusCode();
        return code == 300 || code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /** Where a redirect leads, if it stays on the backend; else null (not a redirect, or elsewhere). */
    public static URI target(URI from, HttpResponse<?> response) {
        if (!isRedirect(response)) {
            return null;
        }
        URI to;
        try {
            to = response.headers().firstValue("Location").map(from::resolve).orElse(null);
        } catch (IllegalArgumentException e) {
            return null; // not a URI: reported as the answer it is
        }
        if (to == null || !from.getScheme().equalsIgnoreCase(to.getScheme())
                || !from.getHost().equalsIgnoreCase(String.valueOf(to.getHost())) || port(to) != port(from)) {
            return null;
        }
        return to;
    }

    private static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }
}
