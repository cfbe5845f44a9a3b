package dev.managedbackend.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * The command line's logging: the library's lines (logger "dev.managedbackend": a backend ready,
 * stopped, a sweep) go to stderr as {@code [managed-backend] ...}; other libraries' (OSHI,
 * Testcontainers) only from WARNING on, or all with {@code --verbose}. SLF4J (slf4j-jdk14) and
 * System.Logger both end in java.util.logging.
 *
 * <p>Set up when something first logs, not at start-up: java.util.logging's own set-up costs
 * tens of milliseconds that {@code --help}, {@code who} and {@code status} never need. The JVM
 * property {@code java.util.logging.config.class} names this class, and the LogManager calls its
 * constructor when it is first used.
 */
public final class TerminalLogging {

    private static final String CONFIG_CLASS = "java.util.logging.config.class";
    private static volatile boolean verbose;
    private static volatile boolean configured;

    /** Called by the LogManager when it is first used (the property above names this class). */
    public TerminalLogging() {
        configured = true;
        apply();
    }

    /** Logging as this command asks ({@code -v}): now if it is already set up, else when first used. */
    static void install(boolean verbose) {
        TerminalLogging.verbose = verbose;
        if (configured) {
            apply();
        } else if (System.getProperty(CONFIG_CLASS) == null) {
            System.setProperty(CONFIG_CLASS, TerminalLogging.class.getName());
        }
    }

    private static void apply() {
        String properties = String.join("\n",
                "handlers = java.util.logging.ConsoleHandler",
                "java.util.logging.ConsoleHandler.level = " + (verbose ? "ALL" : "INFO"),
                "java.util.logging.ConsoleHandler.formatter = " + Line.class.getName(),
                ".level = " + (verbose ? "ALL" : "WARNING"),
                "dev.managedbackend.level = " + (verbose ? "ALL" : "INFO"), "");
        try {
            LogManager.getLogManager().readConfiguration(
                    new ByteArrayInputStream(properties.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per record: {@code [managed-backend] warning: ... [logger]}. */
    public static final class Line extends Formatter {
        @Override
        public String format(LogRecord record) {
            String level = record.getLevel().intValue() >= Level.WARNING.intValue()
                    ? record.getLevel().getName().toLowerCase(Locale.ROOT) + ": " : "";
            String thrown = record.getThrown() == null ? "" : " (" + record.getThrown() + ")";
            String source = record.getLoggerName() == null || record.getLoggerName().startsWith("dev.managedbackend")
                    ? "" : " [" + record.getLoggerName() + "]";
            return StartProgress.erasure() + "[managed-backend] " + level + formatMessage(record) + thrown + source
                    + System.lineSeparator();
        }
    }
}
