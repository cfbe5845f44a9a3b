package dev.managedbackend;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * Runs fixture classes through the Jupiter engine, the way a user's build would, and digs the
 * outcome out of the recorded events.
 */
final class TestKit {

    /** The folder with the fixture apps, relative to the surefire working directory (extension/). */
    static final String DIR = "src/test/python";

    private TestKit() {
    }

    static EngineExecutionResults run(Class<?>... fixtures) {
        return run(Map.of(), fixtures);
    }

    static EngineExecutionResults run(Map<String, String> configuration, Class<?>... fixtures) {
        ClassSelector[] selectors = Arrays.stream(fixtures).map(c -> selectClass(c)).toArray(ClassSelector[]::new);
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration)
                .selectors(selectors)
                .execute();
    }

    /**
     * Runs fixtures with a report output directory, so that files published with
     * {@code publishFile} (Jupiter 5.12+) are kept. The builder method is looked up by name
     * ({@code outputDirectoryCreator} from 1.14, {@code outputDirectoryProvider} in 1.12 and
     * 1.13) so that this compiles against every supported JUnit; on older ones it is a plain run.
     */
    static EngineExecutionResults runWithReports(Path reports, Class<?>... fixtures) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(fixtures).map(c -> selectClass(c)).toArray(ClassSelector[]::new));
        for (String name : List.of("outputDirectoryCreator", "outputDirectoryProvider")) {
            Optional<Method> method = Arrays.stream(EngineTestKit.Builder.class.getMethods())
                    .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1).findFirst();
            if (method.isPresent()) {
                Class<?> type = method.get().getParameterTypes()[0];
                Object creator = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                        (proxy, called, args) -> switch (called.getName()) {
                            case "getRootDirectory" -> reports;
                            case "createOutputDirectory" -> Files.createDirectories(
                                    reports.resolve(Integer.toHexString(args[0].toString().hashCode())));
                            case "toString" -> "reports in " + reports;
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(called.getName());
                        });
                try {
                    method.get().invoke(builder, creator);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError("cannot set the output directory", e);
                }
                break;
            }
        }
        return builder.execute();
    }

    /** Fails, with every failure's stack trace, unless exactly {@code tests} tests ran and all passed. */
    static void assertAllPassed(EngineExecutionResults results, int tests) {
        List<Event> failures = results.allEvents().failed().list();
        if (!failures.isEmpty()) {
            throw new AssertionError("expected no failures, got:\n" + failures.stream()
                    .map(TestKit::describe).collect(Collectors.joining("\n")));
        }
        results.testEvents().assertStatistics(stats -> stats.started(tests).succeeded(tests).failed(0)
                .aborted(0).skipped(0));
    }

    /** The one failure of the class container of {@code fixture}; asserts that no test started. */
    static Throwable classFailure(EngineExecutionResults results, Class<?> fixture) {
        results.testEvents().assertStatistics(stats -> stats.started(0));
        List<Event> failed = results.containerEvents().failed().list();
        List<Event> ofFixture = failed.stream()
                .filter(event -> event.getTestDescriptor().getUniqueId().toString()
                        .endsWith("[class:" + fixture.getName() + "]"))
                .toList();
        if (ofFixture.size() != 1 || failed.size() != 1) {
            throw new AssertionError("expected exactly one failed container, " + fixture.getName()
                    + ", got:\n" + failed.stream().map(TestKit::describe).collect(Collectors.joining("\n")));
        }
        return throwable(ofFixture.get(0));
    }

    /** The failure of the one test method named {@code method}. */
    static Throwable testFailure(EngineExecutionResults results, String method) {
        List<Event> failed = results.testEvents().failed().list().stream()
                .filter(event -> event.getTestDescriptor().getUniqueId().toString().contains("[method:" + method + "("))
                .toList();
        if (failed.size() != 1) {
            throw new AssertionError("expected test " + method + " to fail once, got events:\n"
                    + results.allEvents().list().stream().filter(e -> e.getType() == EventType.FINISHED)
                            .map(TestKit::describe).collect(Collectors.joining("\n")));
        }
        return throwable(failed.get(0));
    }

    /**
     * The files fixtures published (Jupiter 5.12+), read without naming the 5.12 types so that
     * this compiles against every supported JUnit.
     */
    static List<Path> publishedFiles(EngineExecutionResults results) {
        return results.allEvents().list().stream()
                .filter(event -> event.getType().name().equals("FILE_ENTRY_PUBLISHED"))
                .map(event -> {
                    Object entry = event.getPayload().orElseThrow();
                    try {
                        return (Path) entry.getClass().getMethod("getPath").invoke(entry);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError("cannot read the path of " + entry, e);
                    }
                }).toList();
    }

    /** The values fixtures published as report entries under {@code key}. */
    static List<String> reportEntries(EngineExecutionResults results, String key) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(event -> event.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get(key))
                .filter(Objects::nonNull).toList();
    }

    private static Throwable throwable(Event event) {
        Throwable failure = event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                .orElseThrow(() -> new AssertionError("no throwable in " + event));
        Messages.assertWellFormed(failure.getMessage());
        return failure;
    }

    private static String describe(Event event) {
        Optional<Throwable> throwable = event.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable);
        StringWriter trace = new StringWriter();
        throwable.ifPresent(t -> t.printStackTrace(new PrintWriter(trace)));
        return event.getTestDescriptor().getUniqueId() + " " + event.getPayload(TestExecutionResult.class)
                .map(TestExecutionResult::getStatus).orElse(null) + "\n" + trace;
    }
}
