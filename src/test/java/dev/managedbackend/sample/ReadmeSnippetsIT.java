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
 * in the sample tests appears in README.md verbatim, so the README shows code that runs.
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
                    assertThat(readme).as("README.md shows the tagged code of %s", source).contains(tagged.group(1));
                }
            }
        }
        assertThat(snippets).isPositive();
    }
}
