package dev.managedbackend;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts another JVM on the test classpath, for what only a separate process can show. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * The suite's own state folder for a child JVM, so that no test touches the developer's
     * ledger or port leases (surefire sets it; see extension/pom.xml).
     */
    static List<String> stateDirArg() {
        String stateDir = System.getProperty(ManagedBackend.STATE_DIR_PROPERTY_NAME);
        return stateDir == null ? List.of() : List.of("-D" + ManagedBackend.STATE_DIR_PROPERTY_NAME + "=" + stateDir);
    }

    /**
     * The test classpath plus slf4j-simple, for a child that stands for a build with logging set
     * up: the extension's INFO lines (a sweep, a start, a stop) then reach its output. The suite's
     * own classpath has no SLF4J provider (see the surefire configuration).
     */
    static String classPathWithLogging() {
        String jar = System.getProperty("slf4j.simple.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("slf4j.simple.jar = " + jar + ": not a file; the pom sets it for surefire");
        }
        return System.getProperty("java.class.path") + File.pathSeparator + jar;
    }

    /** Runs {@code mainClass} with {@code args}; its output goes to {@code output}. */
    static Process start(Class<?> mainClass, Path output, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.addAll(stateDirArg());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
