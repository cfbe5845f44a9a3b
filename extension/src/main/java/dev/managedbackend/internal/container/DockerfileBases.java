package dev.managedbackend.internal.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.internal.Caller;

/**
 * The images a Dockerfile builds on (its {@code FROM} lines), with build arguments and the
 * defaults of global {@code ARG}s filled in, and without {@code scratch} and earlier stages.
 * Read so that a base image that is missing and cannot be pulled fails the start at once, before
 * Testcontainers' own pre-pull retries it for minutes.
 */
final class DockerfileBases {

    private static final Pattern ARG = Pattern.compile("(?i)^\\s*ARG\\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\\S*))?\\s*$");
    private static final Pattern FROM = Pattern.compile(
            "(?i)^\\s*FROM\\s+(?:--\\S+\\s+)*(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private DockerfileBases() {
    }

    /** Each base image, as written in the {@code FROM} line and as resolved. */
    record Base(String written, String image) {
    }

    /** The base images of the {@code dockerfile} of the backend {@code backend}. */
    static Set<Base> of(String backend, Path dockerfile, Map<String, String> buildArgs) {
        Map<String, String> globals = new HashMap<>();
        Set<String> stages = new HashSet<>();
        Set<Base> bases = new LinkedHashSet<>();
        boolean seenFrom = false;
        for (String line : lines(backend, dockerfile)) {
            Matcher arg = ARG.matcher(line);
            if (!seenFrom && arg.matches()) {
                globals.put(arg.group(1), arg.group(2) == null ? "" : arg.group(2));
                continue;
            }
            Matcher from = FROM.matcher(line);
            if (!from.matches()) {
                continue;
            }
            seenFrom = true;
            String image = substitute(from.group(1), buildArgs, globals);
            if (!image.contains("$") && !image.equalsIgnoreCase("scratch")
                    && !stages.contains(image.toLowerCase(Locale.ROOT))) {
                bases.add(new Base(from.group(1), image));
            }
            if (from.group(2) != null) {
                stages.add(from.group(2).toLowerCase(Locale.ROOT));
            }
        }
        return bases;
    }

    private static String substitute(String text, Map<String, String> buildArgs, Map<String, String> globals) {
        Matcher variable = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (variable.find()) {
            String name = variable.group(1) != null ? variable.group(1) : variable.group(2);
            String value = buildArgs.containsKey(name) ? buildArgs.get(name) : globals.get(name);
            variable.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : variable.group()));
        }
        return variable.appendTail(out).toString();
    }

    /**
     * Its lines, whatever its encoding (Docker reads bytes: a comment in Latin-1 is no error; only
     * the ASCII of the instructions matters here).
     */
    private static List<String> lines(String backend, Path dockerfile) {
        try {
            return new String(Files.readAllBytes(dockerfile), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new BackendStartException("backend '" + backend + "': "
                    + Caller.current().setting("dockerfile", dockerfile.toString()) + " could not be read (" + e + "); the extension reads it to find its base images (FROM) "
                    + "before the build. Check that it is still there and that the user running the tests ("
                    + System.getProperty("user.name") + ") may read it and its folder, the build context.", e);
        }
    }
}
