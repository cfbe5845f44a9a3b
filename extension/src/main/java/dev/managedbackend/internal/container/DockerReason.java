package dev.managedbackend.internal.container;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's own words from a failed call: docker-java reports {@code Status 500: {"message":"..."}};
 * messages quote the text inside, with the HTTP status.
 */
final class DockerReason {

    private static final Pattern ANSWER = Pattern.compile("(?s)Status (\\d+): \\{\"message\":\"(.*)\"}\\s*");

    private DockerReason() {
    }

    static String of(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).strip();
        Matcher answer = ANSWER.matcher(message);
        if (answer.matches()) {
            return answer.group(2).replace("\\\"", "\"").replace("\\\\", "\\") + " (HTTP " + answer.group(1) + ")";
        }
        return message;
    }
}
