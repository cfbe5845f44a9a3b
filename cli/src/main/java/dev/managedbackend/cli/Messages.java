package dev.managedbackend.cli;

/** The command line's words: messages as a terminal shows them, shell words, counts. */
final class Messages {

    private Messages() {
    }

    /**
     * A message as one line of a terminal begins it: no leading line break or blank, and no doubled
     * full stop where two sentences' ends meet (an ellipsis stays). The library's messages speak the
     * terminal's words already (see {@code TerminalStart}).
     */
    static String forTerminal(String message) {
        if (message == null) {
            return "";
        }
        return message.stripLeading().replaceAll("(?<![./])\\.\\.(?=\\s|$)", ".");
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
