package dev.managedbackend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.managedbackend.internal.os.Logs;

/**
 * The extension's log lines at INFO and above while it is open (the suite has no SLF4J
 * provider, so they come from {@link Logs#listen}): {@code try (InfoLog log = InfoLog.capture()) { ... }}.
 */
final class InfoLog implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AutoCloseable listening;

    private InfoLog() {
        this.listening = Logs.listen(lines::add);
    }

    static InfoLog capture() {
        return new InfoLog();
    }

    /** The lines logged at INFO and above so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines that contain {@code text}. */
    List<String> containing(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        try {
            listening.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
