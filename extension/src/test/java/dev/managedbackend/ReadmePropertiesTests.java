package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.os.PrivateFolder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The {@code properties} snippets of the README and the user guide are valid where it shows them: each is read as JUnit
 * reads {@code junit-platform.properties} ({@link Properties#load}), handed to JUnit as its
 * configuration, and a class with a backend then runs and does what the snippet says.
 */
@ExtendWith(OwnProcesses.class)
class ReadmePropertiesTests {

    private static final Pattern PROPERTIES = Pattern.compile("```properties\\R(.*?)```", Pattern.DOTALL);

    @Test
    void everyPropertiesSnippetConfiguresARunThatPasses() throws IOException {
        List<Map<String, String>> snippets = snippets();
        assertThat(snippets).describedAs("properties snippets in README.md and docs/").isNotEmpty();
        for (Map<String, String> configuration : snippets) {
            assertThat(configuration.keySet()).describedAs("keys of %s", configuration).isNotEmpty()
                    .allMatch(key -> key.startsWith("managedbackend."));
            ForkedCases.log = null;
            TestKit.assertAllPassed(TestKit.run(configuration, ForkedCases.class), 1);
            if ("true".equals(configuration.get(ManagedBackend.PREFORK_PROPERTY_NAME))) {
                assertThat(ForkedCases.log).contains("forked from prefork template pid");
            }
            if ("true".equals(configuration.get(ManagedBackend.REUSE_PROPERTY_NAME))) {
                assertKeptUnlessOnCiAndStop(ForkedCases.pid, configuration);
            }
        }
    }

    /** A snippet that turns reuse on kept its backend (but on CI): stopped here, so the suite leaves nothing running. */
    private static void assertKeptUnlessOnCiAndStop(long pid, Map<String, String> configuration) throws IOException {
        // the run's own state folder: the engine test kit reads no system properties
        Path state = Settings.from(new Config(key -> Optional.ofNullable(configuration.get(key)))).stateDir();
        try {
            List<DetachedBackends.Found> kept = DetachedBackends.list(state).stream().filter(f -> f.pid() == pid).toList();
            String ci = System.getenv("CI");
            assertThat(kept).describedAs("kept backends of pid %d (CI=%s)", pid, ci).hasSize(ci == null || ci.isEmpty() ? 1 : 0);
            for (DetachedBackends.Found found : kept) {
                assertThat(DetachedBackends.stop(found, Duration.ofSeconds(10))).isEmpty();
            }
        } catch (PrivateFolder.NotPrivate e) {
            throw new AssertionError(e);
        }
    }

    /** Why a snippet must not carry a trailing comment: in a properties file it is part of the value. */
    @Test
    void aTrailingCommentIsPartOfTheValueAndFailsTheClass() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader("managedbackend.prefork=true    # every app backend\n"));

        Throwable failure = TestKit.classFailure(TestKit.run(Map.of(ManagedBackend.PREFORK_PROPERTY_NAME,
                properties.getProperty(ManagedBackend.PREFORK_PROPERTY_NAME)), ForkedCases.class), ForkedCases.class);

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class).hasMessage("Configuration parameter "
                + "managedbackend.prefork = \"true    # every app backend\" is neither true nor false. Fix it in "
                + "junit-platform.properties or the -Dmanagedbackend.prefork system property, or remove it to use "
                + "the default false.");
    }

    private static List<Map<String, String>> snippets() throws IOException {
        Matcher blocks = PROPERTIES.matcher(Docs.text());
        List<Map<String, String>> snippets = new ArrayList<>();
        while (blocks.find()) {
            Properties properties = new Properties();
            properties.load(new StringReader(blocks.group(1)));
            Map<String, String> configuration = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(key -> configuration.put(key, properties.getProperty(key)));
            snippets.add(configuration);
        }
        return snippets;
    }

    @ManagedBackend(app = "apps.hello:app", dir = DIR)
    static class ForkedCases {
        static volatile String log;
        static volatile long pid;

        @Test
        void test(Backend backend) throws IOException {
            log = Files.readString(backend.logFile());
            pid = backend.pid().getAsLong();
        }
    }
}
