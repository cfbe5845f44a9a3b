package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exact message checks for messages with run-dependent parts. A template is the literal message
 * with placeholders: {@code {pid}} and {@code {log}} (captured), {@code {n}} (any number) and
 * {@code {...}} (anything, across lines).
 */
final class Messages {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{pid}|\\{log}|\\{n}|\\{\\.\\.\\.}");

    private static final Pattern DOUBLE_FULL_STOP = Pattern.compile("(?<![.\\d])\\.\\.(?![./\\d])");

    private Messages() {
    }

    /** Asserts that {@code message} matches {@code template} as a whole; returns the captures. */
    static Matcher assertMatches(String message, String template) {
        Matcher matcher = regex(template).matcher(message);
        assertThat(matcher.matches()).describedAs("message%n%s%nshould match the template%n%s", message, template)
                .isTrue();
        return matcher;
    }

    /**
     * Every message the extension gives is read as a sentence: it does not start with a line
     * break, and no sentence ends with two full stops (a path's {@code ../}, a range such as
     * {@code 1..65535} and an ellipsis are fine).
     */
    static void assertWellFormed(String message) {
        if (message == null) {
            return;
        }
        assertThat(message).describedAs("a message that starts with a line break").doesNotStartWith("\n")
                .doesNotStartWith("\r");
        assertThat(DOUBLE_FULL_STOP.matcher(message).find()).describedAs("a doubled full stop in%n%s", message)
                .isFalse();
    }

    private static Pattern regex(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher placeholders = PLACEHOLDER.matcher(template);
        int literalStart = 0;
        while (placeholders.find()) {
            regex.append(Pattern.quote(template.substring(literalStart, placeholders.start())));
            regex.append(switch (placeholders.group()) {
                case "{pid}" -> "(?<pid>\\d+)";
                case "{log}" -> "(?<log>/\\S+\\.log)";
                case "{n}" -> "\\d+";
                default -> "(?s:.*)";
            });
            literalStart = placeholders.end();
        }
        regex.append(Pattern.quote(template.substring(literalStart)));
        return Pattern.compile(regex.toString());
    }
}
