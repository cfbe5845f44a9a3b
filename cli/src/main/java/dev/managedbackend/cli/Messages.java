package dev.managedbackend.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The library's messages as a terminal shows them: verbatim, but naming the command, not the builder. */
final class Messages {

    /** How {@code BackendBuilder} names a backend at the start of a configuration error. */
    private static final Pattern BUILDER_ORIGIN = Pattern.compile("^BackendBuilder( '[^']*')?: ");

    private Messages() {
    }

    /**
     * {@code BackendBuilder 'api': dir = ...} becomes {@code backend 'api': dir = ...}, as the
     * library's start failures name a backend; everything after the prefix is the library's.
     */
    static String forTerminal(String message) {
        if (message == null) {
            return "";
        }
        return BUILDER_ORIGIN.matcher(message).replaceFirst(m -> Matcher.quoteReplacement("backend "
                + (m.group(1) == null ? "'default'" : m.group(1).strip()) + ": "));
    }

    /** {@code word} as a POSIX shell reads it back: as is when safe, else single-quoted. */
    static String shellWord(String word) {
        return word.matches("[\\w.@%+=:,/-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
