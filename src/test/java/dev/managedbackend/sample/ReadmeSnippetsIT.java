package dev.managedbackend.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Keeps the README and the user guide true: every block tagged {@code // tag::readme[]} ...
 * {@code // end::readme[]} in the sample tests appears verbatim (less the indentation its lines
 * share) in README.md or in a page under docs/, so what they show is code that runs.
 */
class ReadmeSnippetsIT {

    private static final Pattern TAGGED = Pattern.compile("// tag::readme\\[]\\R(.*?)// end::readme\\[]", Pattern.DOTALL);

    private static final Pattern JAVA_BLOCK = Pattern.compile("(?m)^```java\\R(.*?)^```$", Pattern.DOTALL);

    @Test
    void taggedSnippetsAreInTheReadmeOrTheGuideVerbatim() throws IOException {
        List<String> pages = pages();
        List<String> snippets = taggedSnippets();
        for (String snippet : snippets) {
            assertThat(pages).as("README.md or a page of docs/ shows the tagged code%n%s", snippet)
                    .anyMatch(page -> page.contains(snippet));
        }
        assertThat(snippets).isNotEmpty();
    }

    /** The other way round: every {@code java} block of the pages is a tagged snippet, none written by hand. */
    @Test
    void everyJavaBlockOfTheReadmeAndTheGuideIsATaggedSnippet() throws IOException {
        List<String> snippets = taggedSnippets();
        int blocks = 0;
        for (String page : pages()) {
            Matcher java = JAVA_BLOCK.matcher(page);
            while (java.find()) {
                blocks++;
                assertThat(snippets).as("a tagged snippet of src/test/java that is this java block:%n%s", java.group(1))
                        .contains(java.group(1));
            }
        }
        assertThat(blocks).isPositive();
    }

    /** Every block between the tags in src/test/java, as a page shows it. */
    private static List<String> taggedSnippets() throws IOException {
        List<String> snippets = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                Matcher tagged = TAGGED.matcher(Files.readString(source));
                while (tagged.find()) {
                    snippets.add(dedented(tagged.group(1)));
                }
            }
        }
        return snippets;
    }

    /** The text of README.md and of every Markdown page under docs/. */
    static List<String> pages() throws IOException {
        List<String> pages = new ArrayList<>();
        for (Path page : pagePaths()) {
            pages.add(Files.readString(page));
        }
        return pages;
    }

    /**
     * README.md and every Markdown page under docs/, in a stable order; not docs/benchmarks.md, which
     * scripts/docs.sh makes from BENCHMARKS.md (whose commands are benchmark runs of minutes).
     */
    static List<Path> pagePaths() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md") && !p.equals(Path.of("docs/benchmarks.md"))).sorted()
                    .forEach(pages::add);
        }
        return pages;
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
