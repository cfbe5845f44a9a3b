package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
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
 * The {@code xml} snippets of the README and the user guide are what a pom takes as they are: a
 * {@code <dependency>}, a {@code <dependencies>} list of them or a {@code <plugin>}, well-formed,
 * each with its coordinates; the extension's own coordinates are the ones this build makes.
 */
class ReadmeXmlSnippetTests {

    private static final Pattern XML = Pattern.compile("```xml\\R(.*?)```", Pattern.DOTALL);

    @Test
    void everyXmlSnippetIsADependencyOrAPluginAndTheExtensionsIsThisBuilds() throws Exception {
        List<Element> dependencies = new ArrayList<>();
        Matcher blocks = XML.matcher(Docs.text());
        while (blocks.find()) {
            Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(blocks.group(1)))).getDocumentElement();
            assertThat(root.getTagName()).describedAs(blocks.group(1)).isIn("dependency", "dependencies", "plugin");
            List<Element> elements = new ArrayList<>();
            if (root.getTagName().equals("dependencies")) {
                for (var node = root.getFirstChild(); node != null; node = node.getNextSibling()) {
                    if (node instanceof Element child) {
                        assertThat(child.getTagName()).describedAs(blocks.group(1)).isEqualTo("dependency");
                        elements.add(child);
                    }
                }
            } else {
                elements.add(root);
            }
            for (Element element : elements) {
                assertThat(text(element, "groupId")).describedAs(blocks.group(1)).isNotBlank();
                assertThat(text(element, "artifactId")).describedAs(blocks.group(1)).isNotBlank();
                assertThat(text(element, "version")).describedAs(blocks.group(1)).isNotBlank();
                if (element.getTagName().equals("dependency")) {
                    dependencies.add(element);
                }
            }
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
