package dev.managedbackend.engine;

import java.lang.reflect.InvocationTargetException;
import java.net.URI;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import dev.managedbackend.BackendUrl;

/**
 * Makes an {@code okhttp3.HttpUrl} for an injection point of that type. OkHttp is an optional
 * dependency: it is looked up through the injection point's own type, by name, so the extension
 * loads none of it unless a test asks for an {@code HttpUrl}, and works with OkHttp 4 and 5 alike
 * ({@code HttpUrl.get(String)} is static in both).
 */
public final class OkHttpUrls {

    static final String TYPE = "okhttp3.HttpUrl";
    /** What to add, named the way a Maven user writes it. */
    static final String DEPENDENCY = "com.squareup.okhttp3:okhttp-jvm (OkHttp 5) or com.squareup.okhttp3:okhttp "
            + "(OkHttp 4) with its Kotlin standard library";

    private OkHttpUrls() {
    }

    static boolean isHttpUrl(Class<?> type) {
        return type.getName().equals(TYPE);
    }

    /**
     * {@code HttpUrl.get(url)}. Its form always has a path: {@code http://127.0.0.1:41234/}, so
     * {@code url.resolve("items")} and {@code url.newBuilder().addPathSegment("items")} are the
     * ways to extend it, not string concatenation.
     */
    public static Object of(Class<?> type, URI url, String where) {
        try {
            return type.getMethod("get", String.class).invoke(null, url.toString());
        } catch (InvocationTargetException e) {
            throw missing(where, e.getCause() == null ? e : e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw missing(where, e);
        }
    }

    private static ExtensionConfigurationException missing(String where, Throwable cause) {
        return new ExtensionConfigurationException("@BackendUrl " + where + " has type " + TYPE + ", which could "
                + "not be made (" + cause + "): OkHttp is incomplete on the test classpath. The extension does not "
                + "bring OkHttp; add " + DEPENDENCY + " to your test dependencies, or inject java.net.URI.", cause);
    }
}
