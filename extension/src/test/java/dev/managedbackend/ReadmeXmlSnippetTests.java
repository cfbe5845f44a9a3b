package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * The README's {@code xml} snippets are {@code <dependency>} elements a pom takes as they are:
 * well-formed, and the extension's own coordinates are the ones this build makes.
 */
class ReadmeXmlSnippetTests {

    private static final Pattern XML = Pattern.compile("```xml\\R(.*?)```", Pattern.DOTALL);

    @Test
    void everyXmlSnippetIsADependencyAndTheExtensionsIsThisBuilds() throws Exception {
        List<Element> dependencies = new ArrayList<>();
        Matcher blocks = XML.matcher(Files.readString(Path.of("../README.md")));
        while (blocks.find()) {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(blocks.group(1))));
            assertThat(document.getDocumentElement().getTagName()).describedAs(blocks.group(1)).isEqualTo("dependency");
            dependencies.add(document.getDocumentElement());
        }
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element ours = dependencies.stream().filter(d -> text(d, "artifactId").equals(text(pom.getDocumentElement(),
                "artifactId"))).findFirst().orElseThrow(() -> new AssertionError("no README snippet declares the extension"));
        assertThat(text(ours, "groupId")).isEqualTo(text(pom.getDocumentElement(), "groupId"));
        assertThat(text(ours, "version")).isEqualTo(text(pom.getDocumentElement(), "version"));
    }

    /** The text of the direct child {@code name} of {@code element}. */
    private static String text(Element element, String name) {
        for (var node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                return child.getTextContent().strip();
            }
        }
        throw new AssertionError("no <" + name + "> in <" + element.getTagName() + ">");
    }
}
