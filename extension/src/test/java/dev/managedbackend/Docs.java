package dev.managedbackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The project's README.md and the user guide's pages (docs/**.md), for the tests that check their snippets. */
final class Docs {

    private static final Path ROOT = Path.of("..");

    private Docs() {
    }

    /** README.md and every page under docs/, one after the other, in a stable order. */
    static String text() throws IOException {
        try (Stream<Path> pages = Files.walk(ROOT.resolve("docs"))) {
            StringBuilder text = new StringBuilder(Files.readString(ROOT.resolve("README.md")));
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().collect(Collectors.toList())) {
                text.append('\n').append(read(page));
            }
            return text.toString();
        }
    }

    private static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
