package dev.managedbackend.internal;

import java.net.URI;

/** Base URLs as the API promises them: {@code http://host:port}, no trailing slash. */
public final class BaseUrls {

    private BaseUrls() {
    }

    public static URI of(String host, int port) {
        String literal = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create("http://" + literal + ":" + port);
    }
}
