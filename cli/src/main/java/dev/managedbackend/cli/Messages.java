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

    /** {@code 1 backend}, {@code 2 backends}: a count and its noun, grammatical. */
    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /**
     * A ledger entry as the sweep describes it, in a terminal's words: {@code detached backend 'api'
     * (pid 1, ...)} is one that {@code start} started; {@code backend 'x' of test JVM 7 (...)} one
     * of a test JVM or of a {@code run}, which the ledger does not tell apart.
     */
    static String leftBehind(String entry) {
        return entry.replaceFirst("^detached (backend '[^']*') \\(pid ",
                        "$1 of managed-backend start, whose process died (pid ")
                .replaceFirst("^(backend '[^']*') of test JVM (\\d+) ",
                        "$1, left by a test JVM or managed-backend run that died (process $2), ");
    }
}
