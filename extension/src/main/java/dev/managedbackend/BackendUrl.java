package dev.managedbackend;

import static org.apiguardian.api.API.Status.STABLE;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apiguardian.api.API;

/**
 * Injects a backend's base URL, such as {@code http://127.0.0.1:41234}, into a test or lifecycle
 * method parameter, a constructor parameter, or a non-final field (static fields are set before
 * {@code @BeforeAll}, instance fields before each test).
 *
 * <p>Supported types: {@link java.net.URI}, {@link java.net.URL} and {@link String}, with no
 * trailing slash, so {@code url + "/items"} works; and {@code okhttp3.HttpUrl}, in OkHttp's own
 * form, which always has a path ({@code http://127.0.0.1:41234/}): extend it with
 * {@code resolve("/items")}. {@code HttpUrl} needs OkHttp 4 or 5 on the test classpath
 * ({@code okhttp} or {@code okhttp-jvm}); the extension brings none.
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@API(status = STABLE, since = "0.1")
public @interface BackendUrl {
    /** {@return the backend's {@link ManagedBackend#name() name}; {@code ""} means the test's only backend} */
    String value() default "";
}
