package dev.managedbackend;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Which of the test JVM's environment variables a process-mode backend starts with; what the
 * backend declares in {@link ManagedBackend#env() env}, and the variables the extension sets
 * ({@code PORT}, {@code PYTHONUNBUFFERED}, {@code MANAGED_BACKEND_OWNER}), come on top.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum InheritEnv {

    /** All of them, as a process started from the test JVM gets by default. */
    ALL,

    /**
     * Only a small base that programs need to run, so that a developer's shell secrets
     * ({@code DATABASE_URL}, tokens, cloud credentials) never reach a test backend unasked:
     * {@code PATH}, {@code HOME}, {@code USER}, {@code LOGNAME}, {@code SHELL}, {@code TMPDIR},
     * {@code TZ}, {@code TERM}, {@code LANG}, {@code LANGUAGE}, {@code LC_*}, and on Windows
     * {@code SYSTEMROOT}, {@code SYSTEMDRIVE}, {@code WINDIR}, {@code COMSPEC}, {@code PATHEXT},
     * {@code TEMP}, {@code TMP}, {@code USERPROFILE}, {@code APPDATA}, {@code LOCALAPPDATA}.
     */
    BASE,

    /**
     * Not a choice: the default of {@link ManagedBackend#inheritEnv()}, meaning "not written",
     * so the configured {@value ManagedBackend#INHERIT_ENV_PROPERTY_NAME} applies, else
     * {@link #ALL}.
     */
    DEFAULT
}
