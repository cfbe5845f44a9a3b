package dev.managedbackend.internal.os;

import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where every logger of the extension comes from. The extension logs through the SLF4J API, so
 * its lines land in whatever logging the user's build has (logback, log4j2, slf4j-simple, ...),
 * under the name {@value #NAME}.
 *
 * <p>Without any SLF4J provider on the classpath, a run that goes well prints nothing: the INFO
 * lines (a backend ready, a backend stopped) are dropped, and SLF4J's own report that it found no
 * provider is kept quiet, which OSHI and Testcontainers would otherwise set off when they load.
 * Warnings still reach standard error then, since they mean something needs a look. The report
 * is kept quiet only in that case, and only when the user has not set
 * {@value #SLF4J_VERBOSITY} themselves; where SLF4J could say something useful (a provider for
 * SLF4J 1.7, which 2.x ignores; a provider named in {@code slf4j.provider}) it is left to say it.
 *
 * <p>The set-up runs when this class is first used, so every class that logs, and every class
 * that leads to OSHI or Testcontainers (the sweep, the port-holder report, container mode), has
 * its logger from here before those libraries load.
 */
public final class Logs {

    /** The logger name of every line of the extension. */
    public static final String NAME = "dev.managedbackend";

    /** SLF4J 2's switch for its own reports (org.slf4j.helpers.Reporter), read once, when first used. */
    static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    /** Who else gets the lines where SLF4J has nowhere to write them: tests that check them. */
    private static final java.util.List<Consumer<String>> LISTENERS = new CopyOnWriteArrayList<>();
    private static final Logger LOGGER = create();

    private Logs() {
    }

    /** {@return the extension's logger} */
    public static Logger logger() {
        return LOGGER;
    }

    /**
     * Hands {@code listener} the lines at INFO and above while no SLF4J provider is present (with
     * one, read them there); returns what stops it. For the suite's own checks of a log line.
     */
    public static AutoCloseable listen(Consumer<String> listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    private static Logger create() {
        boolean noProvider;
        try {
            noProvider = noProviderAnywhere();
        } catch (LinkageError e) {
            return LoggerFactory.getLogger(NAME); // SLF4J 1.7 or older: its own rules apply
        }
        if (noProvider && System.getProperty(SLF4J_VERBOSITY) == null) {
            System.setProperty(SLF4J_VERBOSITY, "ERROR");
            try {
                LoggerFactory.getILoggerFactory(); // binds now, and SLF4J reads the level now
            } finally {
                System.clearProperty(SLF4J_VERBOSITY);
            }
        }
        return noProvider ? new WarningsToStandardError() : LoggerFactory.getLogger(NAME);
    }

    /** No provider as SLF4J 2 looks for them, none named explicitly, and no 1.7-style binding. */
    private static boolean noProviderAnywhere() {
        ClassLoader loader = LoggerFactory.class.getClassLoader();
        if (System.getProperty(LoggerFactory.PROVIDER_PROPERTY_KEY) != null) {
            return false;
        }
        if (ServiceLoader.load(SLF4JServiceProvider.class, loader).stream().findAny().isPresent()) {
            return false;
        }
        String binder = "org/slf4j/impl/StaticLoggerBinder.class";
        return (loader == null ? ClassLoader.getSystemResource(binder) : loader.getResource(binder)) == null;
    }

    /**
     * The logger where SLF4J has nowhere to write: INFO and below are dropped, WARN and ERROR go to
     * standard error, one line each (and the stack trace, if any).
     */
    private static final class WarningsToStandardError extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;

        WarningsToStandardError() {
            this.name = NAME;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return !LISTENERS.isEmpty();
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            LISTENERS.forEach(listener -> listener.accept(message));
            if (level.toInt() < Level.WARN.toInt()) {
                return; // INFO goes to the listeners only
            }
            synchronized (System.err) {
                System.err.println(level + " " + message);
                if (throwable != null) {
                    throwable.printStackTrace(System.err);
                }
            }
        }
    }
}
