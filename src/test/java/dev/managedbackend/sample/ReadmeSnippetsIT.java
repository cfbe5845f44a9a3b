package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the README true: every block tagged {@code // tag::readme[]} ... {@code // end::readme[]}
 * in the sample tests appears in README.md verbatim (less the indentation its lines share), so
 * the README shows code that runs.
 */
class ReadmeSnippetsIT {

    private static final Pattern TAGGED = Pattern.compile("// tag::readme\\[]\\R(.*?)// end::readme\\[]", Pattern.DOTALL);

    @Test
    void taggedSnippetsAreInTheReadmeVerbatim() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int snippets = 0;
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher tagged = TAGGED.matcher(Files.readString(source));
                while (tagged.find()) {
                    snippets++;
                    assertThat(readme).as("README.md shows the tagged code of %s", source)
                            .contains(dedented(tagged.group(1)));
                }
            }
        }
        assertThat(snippets).isPositive();
    }

    /** The block as the README shows it: without the indentation its lines share in the source. */
    private static String dedented(String block) {
        String code = block.stripTrailing();
        int indent = code.lines().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return code.lines().map(line -> line.length() >= indent ? line.substring(indent) : line.strip())
                .collect(java.util.stream.Collectors.joining("\n")) + "\n";
    }
}
