package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/**
 * The API package's package-info says the truth about each public type's status: every public type
 * of {@code dev.managedbackend}, and every nested one with an {@code @API} of its own, is named in
 * the sentence of the status its {@code @API} gives it.
 */
class ApiStatusTests {

    private static final Path PACKAGE = Path.of("src/main/java/dev/managedbackend");

    /** "{@code STABLE}: ..." up to the next status or the paragraph's end. */
    private static final Pattern SENTENCE = Pattern.compile(
            "\\{@code (STABLE|EXPERIMENTAL|INTERNAL)}[,:](.*?)(?=\\{@code (?:STABLE|EXPERIMENTAL|INTERNAL)}[,:]|\\*/)",
            Pattern.DOTALL);

    @Test
    void packageInfoNamesEachPublicTypeUnderItsStatus() throws IOException, ClassNotFoundException {
        String info = Files.readString(PACKAGE.resolve("package-info.java"));
        List<String> names;
        try (Stream<Path> files = Files.list(PACKAGE)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")
                    && !n.equals("package-info.java")).map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        int checked = 0;
        for (String name : names) {
            Class<?> type = Class.forName("dev.managedbackend." + name);
            checked += check(info, type, name);
            for (Class<?> nested : type.getDeclaredClasses()) {
                if (nested.isAnnotationPresent(API.class)) {
                    checked += check(info, nested, name + "." + nested.getSimpleName());
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
    }

    private static int check(String info, Class<?> type, String shownAs) {
        API api = type.getAnnotation(API.class);
        assertThat(api).describedAs("@API on %s", type.getName()).isNotNull();
        Matcher sentences = SENTENCE.matcher(info);
        String sentence = null;
        while (sentences.find()) {
            if (sentences.group(1).equals(api.status().name())) {
                sentence = sentences.group(2);
            }
        }
        assertThat(sentence).describedAs("package-info's sentence for %s", api.status()).isNotNull();
        assertThat(sentence).describedAs("package-info names %s (@API status %s) in that sentence", shownAs,
                api.status()).contains("{@code " + shownAs + "}");
        return 1;
    }
}
