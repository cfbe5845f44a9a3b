package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failure gallery (docs/failures.md) shows what the code prints today: each message there is
 * produced by a running fixture (most of them the fixtures of the tests that assert the
 * message exactly), and its exception type, first line and {@code Command:} line must be the
 * gallery's, apart from what differs from run to run: numbers and hex ids (pids, ports, times,
 * container ids) and absolute paths (the gallery writes {@code <project>/...}). A few parts that
 * depend on the machine (the engine's pull error, the user) are named per entry. The log lines
 * below a message are the app's and uvicorn's, not checked here. The three that need a child JVM
 * are compared by the tests that make them ({@link #PRODUCED_ELSEWHERE}).
 */
@ExtendWith(OwnProcesses.class)
class FailureGalleryTests {

    /**
     * The gallery's messages produced by other tests, each in a child JVM with an environment of its
     * own (no engine, a registry that never answers, a slow build); those tests compare what their
     * child says with the gallery through {@link #assertGalleryShows}.
     */
    static final Map<String, String> PRODUCED_ELSEWHERE = Map.of(
            "needs a Docker engine, and none is reachable",
            "ContainerFailureTests#withoutAnEngineTheStartFailsFastOrSkipsWhereAskedTo",
            "Testcontainers was still starting its Ryuk reaper",
            "ContainerTimeoutTests#withRyukOnARegistryThatDoesNotAnswerTheStartFailsAtItsBoundNamingRyuk",
            "it was still building dockerfile",
            "ContainerTimeoutTests#aSlowBuildIsGivenUpAtTheBoundAndLeavesNothing");

    private static final Pattern BLOCK = Pattern.compile("(?m)^```\\R(.*?)^```$", Pattern.DOTALL);

    private Process holder;

    @AfterEach
    void stopHolder() throws InterruptedException {
        if (holder != null) {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyEntryIsProducedHereOrListedWithTheTestThatAssertsIt() throws IOException {
        List<String> entries = gallery();
        List<String> markers = new ArrayList<>(List.of("apps.broken:app", "uvicorn is not installed",
                "apps.unhealthy:app", "healthPath = \"/helth\"", "apps.silent:app", "a foreign process",
                "exactly one of app", "(image sample-fastapi:dev) (container", "could not be pulled",
                "cannot hold a URL"));
        markers.addAll(PRODUCED_ELSEWHERE.keySet());
        for (String entry : entries) {
            assertThat(markers.stream().filter(entry::contains)).describedAs("the marker of the gallery entry%n%s", entry)
                    .hasSize(1);
        }
        assertThat(entries).hasSize(markers.size());
    }

    @Test
    void processModeStartFailures() throws IOException {
        assertShown("apps.broken:app", classFailure(StartFailureTests.BrokenAppCases.class));
        assertShown("uvicorn is not installed", classFailure(StartFailureTests.NoUvicornCases.class));
        assertShown("apps.unhealthy:app", classFailure(StartFailureTests.UnhealthyCases.class));
        assertShown("healthPath = \"/helth\"", classFailure(ReadinessTests.TypoCases.class));
        assertShown("apps.silent:app", classFailure(StartFailureTests.SilentCases.class));
    }

    @Test
    void aFixedPortTakenByAForeignProcess() throws Exception {
        holder = DiagnosticsTests.listenOn(19893, Map.of());
        assertShown("a foreign process", classFailure(DiagnosticsTests.ForeignHolderCases.class),
                "(?<=user )[^,]+", "\\([^()]*http\\.server");
    }

    @Test
    void misuse() throws IOException {
        assertShown("exactly one of app", classFailure(ConfigurationErrorTests.SeveralModesCases.class));
        assertShown("cannot hold a URL", TestKit.testFailure(TestKit.run(InjectionTests.TwoBackendsCases.class),
                "intParameter"));
    }

    @Test
    void containerModeStartFailures() throws IOException {
        assertShown("(image sample-fastapi:dev) (container", classFailure(ContainerFailureTests.ExitsLaterCases.class));
        // the gallery's is the sample's Dockerfile on a machine without a registry; the fixture's
        // base has a name no registry has; the engine's words for it are its own
        assertShown("could not be pulled", classFailure(ContainerFailureTests.UnpullableBaseCases.class),
                "(?<=backend ')[^']+", "(?<=builds on )\\S+", "(?<=could not be pulled: ).*(?=\\. Pull or build)");
    }

    private static Throwable classFailure(Class<?> fixture) {
        return TestKit.classFailure(TestKit.run(fixture), fixture);
    }

    /** The gallery's entry that contains {@code marker} is what {@code failure} says, {@code varying} aside. */
    private static void assertShown(String marker, Throwable failure, String... varying) throws IOException {
        assertGalleryShows(marker, failure.getClass().getName(), failure.getMessage(), varying);
    }

    /**
     * The gallery's entry that contains {@code marker} shows an {@code exception} with this
     * {@code message}: the same first line and {@code Command:} line, placeholders and {@code varying}
     * parts (regular expressions) aside.
     */
    static void assertGalleryShows(String marker, String exception, String message, String... varying)
            throws IOException {
        String entry = gallery().stream().filter(e -> e.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry of docs/failures.md shows " + marker));
        String shown = entry.lines().findFirst().orElseThrow();
        assertThat(shown).startsWith(exception + ": ");
        String actual = exception + ": " + message;
        assertThat(normalized(firstLine(actual), varying)).describedAs("docs/failures.md shows%n%s%nthe code says%n%s",
                shown, actual).isEqualTo(normalized(shown, varying));
        assertThat(normalized(commandLine(actual), varying)).describedAs("the Command: line of%n%s", actual)
                .isEqualTo(normalized(commandLine(entry), varying));
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    private static String commandLine(String text) {
        return text.lines().filter(line -> line.startsWith("Command: ")).findFirst().orElse("");
    }

    /** What differs from run to run as a placeholder: paths P, hex ids H, numbers N; then each {@code varying} part. */
    static String normalized(String text, String... varying) {
        String result = text;
        for (String part : varying) {
            result = result.replaceAll(part, "…");
        }
        return result.replaceAll("<project>[^\\s\"),]*", "P").replaceAll("/[\\w.@+-]+(/[\\w.@+-]+)+", "P")
                .replaceAll("\\b[0-9a-f]{12,}\\b", "H").replaceAll("\\d+", "N");
    }

    /** The code blocks of docs/failures.md, one per failure. */
    static List<String> gallery() throws IOException {
        Matcher blocks = BLOCK.matcher(Files.readString(Path.of("../docs/failures.md")));
        List<String> entries = new ArrayList<>();
        while (blocks.find()) {
            entries.add(blocks.group(1));
        }
        return entries;
    }
}
