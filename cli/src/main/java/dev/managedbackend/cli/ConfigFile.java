package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: the same options as on the command line, one per line, so that a team
 * commits one file instead of start, stop and check scripts:
 * <pre>
 * # backend.conf
 * name = api
 * app = app.main:app
 * dir = backend
 * env = LOG_LEVEL=debug
 * env-file = web/.env.local
 * env-key = NEXT_PUBLIC_API_URL
 * </pre>
 * A line is an option's long name (with or without {@code --}), then {@code =} or blanks, then
 * its value, taken literally to the end of the line (quotes around it are dropped); blank lines
 * and {@code #} comments are skipped; an option that takes several values ({@code env}, {@code
 * arg}) may be repeated. Relative paths ({@code dir}, {@code dockerfile}, {@code env-file}, a
 * {@code python} with a {@code /}) are relative to the file's folder, so the file works from any
 * working directory, and may not leave it ({@code ..}): the file's folder is the project.
 * Options on the command line win over the file's.
 */
final class ConfigFile {

    private static final Pattern LINE = Pattern.compile("(?:--)?([A-Za-z][A-Za-z0-9-]*)\\s*(?:=\\s*|\\s+|$)(.*)");
    private static final Set<String> PATHS = Set.of("--dir", "--dockerfile", "--env-file", "--python");

    private ConfigFile() {
    }

    /** A line of the file that is not an option of the command, or has a value it cannot take. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /** The file's options as command-line arguments for {@code command}. */
    static List<String> read(Path file, CommandSpec command) throws IOException, Invalid {
        if (!Files.isRegularFile(file)) {
            throw new Invalid("--config " + file + ": no such file (resolved to " + file.toAbsolutePath().normalize()
                    + ")");
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        List<String> args = new ArrayList<>();
        int number = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + number;
            Matcher matcher = LINE.matcher(line);
            if (!matcher.matches()) {
                throw new Invalid(where + ": \"" + line + "\" is not an option; write one per line as NAME = VALUE, "
                        + "e.g. app = app.main:app");
            }
            String name = "--" + matcher.group(1);
            String written = matcher.group(2).strip();
            String value = unquote(written);
            OptionSpec option = command.findOption(name);
            if (option == null || name.equals("--config") || option.usageHelp() || option.versionHelp()) {
                throw new Invalid(where + ": " + (name.equals("--config") ? "a config file cannot name another one"
                        : "unknown option '" + matcher.group(1) + "' for " + command.qualifiedName()
                                + suggestion(matcher.group(1), command)));
            }
            if (option.arity().max() == 0) { // a flag: NAME, or NAME = true / false
                if (written.isEmpty() || value.equalsIgnoreCase("true")) {
                    args.add(name);
                } else if (!value.equalsIgnoreCase("false")) {
                    throw new Invalid(where + ": " + matcher.group(1) + " is a flag; write it alone, or = true / false");
                }
                continue;
            }
            if (written.isEmpty()) {
                throw new Invalid(where + ": " + matcher.group(1) + " needs a value, e.g. " + matcher.group(1) + " = "
                        + option.paramLabel());
            }
            if (PATHS.contains(name) && (!name.equals("--python") || value.contains("/"))) {
                Path resolved = base.resolve(value).normalize();
                if (!Path.of(value).isAbsolute() && !resolved.startsWith(base)) {
                    throw new Invalid(where + ": " + matcher.group(1) + " = " + value + " leads out of the config file's "
                            + "folder " + base + " (to " + resolved + "): a relative path in a config file stays inside "
                            + "the project the file sits in. Put the config file in the project's top folder, or give "
                            + name + " on the command line");
                }
                value = resolved.toString();
            }
            args.add(name);
            args.add(value);
        }
        return args;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** "; did you mean 'app'?" for the closest long option name, if one is close. */
    private static String suggestion(String name, CommandSpec command) {
        return command.options().stream().map(OptionSpec::longestName).filter(n -> n.startsWith("--"))
                .map(n -> n.substring(2)).min(Comparator.comparingInt(n -> distance(n, name)))
                .filter(n -> distance(n, name) <= Math.max(2, name.length() / 3))
                .map(n -> "; did you mean '" + n + "'?").orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
