package dev.managedbackend.engine;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import dev.managedbackend.Backend;
import dev.managedbackend.BackendUrl;
import dev.managedbackend.Backends;

import dev.managedbackend.internal.BackendsView;

/** Picks the backend an injection point asks for and converts its URL to the asked type. */
final class Injection {

    private Injection() {
    }

    /** The backend named {@code name}, or the only one when {@code name} is empty. */
    static Backend select(BackendsView view, String name, String where) {
        if (!name.isEmpty()) {
            return view.find(name).orElseThrow(() -> new ExtensionConfigurationException(
                    where + " asks for backend '" + name + "', but there is none by that name; "
                            + view.describeNames() + methodScopeHint(view, name) + "."));
        }
        List<Backend> all = view.all();
        if (all.size() == 1) {
            return all.get(0);
        }
        if (all.isEmpty()) {
            throw new ExtensionConfigurationException(where + " asks for the backend of this test, "
                    + "but none is running here" + methodScopeHint(view, "") + ".");
        }
        throw new ExtensionConfigurationException(where + " asks for the only backend of this test, "
                + "but there are several; " + view.describeNames() + ". Name one, e.g. @BackendUrl(\""
                + all.get(0).name() + "\") URI, or take Backends and call get(\"" + all.get(0).name()
                + "\").");
    }

    /**
     * The URL of the backend named {@code name} (the only one for {@code ""}), as {@code type}.
     * The type is checked first, so a wrong type is reported whatever the name.
     */
    static Object url(Class<?> type, Supplier<BackendsView> view, String name, String where) {
        if (type != URI.class && type != String.class && type != java.net.URL.class
                && !OkHttpUrls.isHttpUrl(type)) {
            throw new ExtensionConfigurationException("@BackendUrl " + where + " has type " + type.getName()
                    + ", which cannot hold a URL; use java.net.URI, java.net.URL, String or okhttp3.HttpUrl.");
        }
        URI url = select(view.get(), name, where).baseUrl();
        if (type == URI.class) {
            return url;
        }
        if (type == String.class) {
            return url.toString();
        }
        if (type == java.net.URL.class) {
            try {
                return url.toURL();
            } catch (MalformedURLException e) {
                throw new ExtensionConfigurationException(where + ": " + url + " is not a URL", e);
            }
        }
        return OkHttpUrls.of(type, url, where);
    }

    private static String methodScopeHint(BackendsView view, String name) {
        List<String> perMethod = view.perMethodNames();
        if (perMethod.isEmpty() || (!name.isEmpty() && !perMethod.contains(name))) {
            return "";
        }
        return " (scope METHOD backends " + perMethod + " exist only inside a test method, not in "
                + "static fields, constructors or @BeforeAll)";
    }
}
