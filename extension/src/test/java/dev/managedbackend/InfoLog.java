package dev.managedbackend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The extension's log lines ({@code System.Logger} "dev.managedbackend", which goes to
 * java.util.logging here) while it is open: {@code try (InfoLog log = InfoLog.capture()) { ... }}.
 */
final class InfoLog extends Handler implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger("dev.managedbackend");

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private InfoLog() {
        setLevel(Level.ALL);
    }

    static InfoLog capture() {
        InfoLog log = new InfoLog();
        LOGGER.addHandler(log);
        return log;
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
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.INFO.intValue()) {
            lines.add(record.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        LOGGER.removeHandler(this);
    }
}
