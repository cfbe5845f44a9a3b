package dev.managedbackend.internal;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Whose words a message about a backend's description uses: Java's (the attributes of
 * {@code @ManagedBackend} and {@code BackendBuilder}'s setters, {@code dir = "app"}) or a
 * terminal's (the command line's options, {@code --dir app}). A backend is described in one of
 * them, and a message that names what was wrong is only helpful in the words it was written in.
 * The terminal's are used while {@link #terminal(Supplier)} runs, on that thread (a start reads
 * and checks its description on the thread that asked for it).
 */
public enum Caller {

    /** A test or plain Java: attributes and setters. */
    JAVA,
    /** The command line: options. */
    TERMINAL;

    private static final ThreadLocal<Caller> CURRENT = ThreadLocal.withInitial(() -> JAVA);

    /** The command line's option for each attribute it has; an attribute without one keeps its name. */
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("name", "--name"), Map.entry("app", "--app"), Map.entry("command", "--command"),
            Map.entry("image", "--image"), Map.entry("dockerfile", "--dockerfile"), Map.entry("dir", "--dir"),
            Map.entry("python", "--python"), Map.entry("args", "--arg"), Map.entry("port", "--port"),
            Map.entry("containerPort", "--container-port"), Map.entry("healthPath", "--health-path"),
            Map.entry("startupTimeoutSeconds", "--timeout"), Map.entry("env", "--env"));

    /** Who is describing a backend on this thread now. */
    public static Caller current() {
        return CURRENT.get();
    }

    /** Runs {@code work} with the terminal's words on this thread. */
    public static <T> T terminal(Supplier<T> work) {
        return as(TERMINAL, work::get);
    }

    /** Runs {@code work} with {@code caller}'s words on this thread: for work a start hands to a thread of its own. */
    public static <T, E extends Exception> T as(Caller caller, Work<T, E> work) throws E {
        Caller before = CURRENT.get();
        CURRENT.set(caller);
        try {
            return work.call();
        } finally {
            CURRENT.set(before);
        }
    }

    /** What {@link #as} runs. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        /** @return its result */
        T call() throws E;
    }

    /** {@code healthPath} or {@code --health-path}. */
    public String name(String attribute) {
        return this == JAVA ? attribute : OPTIONS.getOrDefault(attribute, attribute);
    }

    /** What was written: {@code dir = "app"} or {@code --dir app}; {@code value} a String is quoted in Java. */
    public String setting(String attribute, Object value) {
        if (this == JAVA) {
            return attribute + " = " + (value instanceof String ? "\"" + value + "\"" : value);
        }
        return name(attribute) + (value instanceof String text && text.isEmpty() ? "=" : " " + shellWord(value.toString()));
    }

    /** A value to write, in an example: {@code "app"} in Java, {@code --dir app} in a terminal. */
    public String example(String attribute, String value) {
        return this == JAVA ? "\"" + value + "\"" : setting(attribute, value);
    }

    /** What a relative path is resolved against. */
    public String workingDirectory() {
        return this == JAVA ? "the test JVM's working directory" : "the current directory";
    }

    /** As a POSIX shell reads it back: as is when safe, else single-quoted. */
    private static String shellWord(String word) {
        return word.matches("[\\w.@%+=:,/{}$-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
