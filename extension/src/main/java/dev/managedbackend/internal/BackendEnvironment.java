package dev.managedbackend.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.managedbackend.InheritEnv;

/**
 * The environment a process-mode backend starts with: all of the test JVM's variables
 * ({@link InheritEnv#ALL}) or only a small base ({@link InheritEnv#BASE}), then the variables
 * the extension sets, then the backend's declared {@code env}, which wins over both.
 */
final class BackendEnvironment {

    /** What programs need to run and print sensibly; nothing that tends to hold a secret. */
    private static final Set<String> BASE = Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ",
            "TERM", "LANG", "LANGUAGE",
            // Windows: without SYSTEMROOT, Python cannot even seed its random module there
            "SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP", "USERPROFILE", "APPDATA",
            "LOCALAPPDATA");

    private BackendEnvironment() {
    }

    /**
     * @param inherited the test JVM's environment
     * @param own       what the extension sets ({@code PORT}, the owner tag, ...)
     * @param declared  the backend's resolved {@code env}
     */
    static Map<String, String> of(InheritEnv inherit, Map<String, String> inherited, Map<String, String> own,
            Map<String, String> declared) {
        Map<String, String> env = new LinkedHashMap<>();
        inherited.forEach((key, value) -> {
            if (inherit != InheritEnv.BASE || isBase(key)) {
                env.put(key, value);
            }
        });
        env.putAll(own);
        env.putAll(declared);
        return env;
    }

    private static boolean isBase(String key) {
        String upper = key.toUpperCase(Locale.ROOT); // Windows names are case-insensitive
        return BASE.contains(upper) || upper.startsWith("LC_");
    }
}
