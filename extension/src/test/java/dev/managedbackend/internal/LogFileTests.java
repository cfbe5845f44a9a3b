package dev.managedbackend.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend log: its name, our notes in it, and the tail that failure messages show. */
class LogFileTests {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    @Test
    void isNamedAfterTestAndBackendSafelyAndUniquely() {
        LogFile first = LogFile.create(dir.resolve("logs"), "ItemsIT$Nested.test", "users api");
        LogFile second = LogFile.create(dir.resolve("logs"), "ItemsIT$Nested.test", "users api");

        assertThat(first.path()).exists().isEmptyFile().hasParent(dir.resolve("logs"));
        assertThat(first.path().getFileName().toString())
                .matches("ItemsIT_Nested\\.test-users_api-" + ProcessHandle.current().pid() + "-\\d+\\.log");
        assertThat(second.path()).isNotEqualTo(first.path());
    }

    @Test
    void anEmptyLogSaysSo() {
        LogFile log = LogFile.create(dir, "T", "b");

        assertThat(log.tail()).isEmpty();
        assertThat(log.tailForMessage()).isEqualTo("Log " + log.path() + " is empty.");
    }

    @Test
    void tailIsTheLast200NonBlankLines() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        log.note("starting server");
        append(log, IntStream.rangeClosed(1, 300).mapToObj(i -> "line " + i + NL + NL)
                .collect(Collectors.joining()));

        assertThat(log.tail()).hasSize(200).startsWith("line 101").endsWith("line 300").doesNotContain("");
        assertThat(Files.readString(log.path())).startsWith("[managed-backend] starting server" + NL + "line 1" + NL);
    }

    @Test
    void tailForMessageQuotesTheLinesAndFoldsRunsThatDifferOnlyInNumbers() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        append(log, String.join(NL,
                "INFO:     Started server process [4242]",
                "INFO:     127.0.0.1:50001 - \"GET /health HTTP/1.1\" 500 Internal Server Error",
                "INFO:     127.0.0.1:50002 - \"GET /health HTTP/1.1\" 500 Internal Server Error",
                "INFO:     127.0.0.1:50003 - \"GET /health HTTP/1.1\" 500 Internal Server Error",
                "INFO:     Shutting down",
                "INFO:     127.0.0.1:50004 - \"GET /health HTTP/1.1\" 500 Internal Server Error",
                "INFO:     127.0.0.1:50005 - \"GET /health HTTP/1.1\" 500 Internal Server Error") + NL);

        assertThat(log.tailForMessage()).isEqualTo("Log " + log.path() + ", last lines:" + NL
                + "  | INFO:     Started server process [4242]" + NL
                + "  | INFO:     127.0.0.1:50001 - \"GET /health HTTP/1.1\" 500 Internal Server Error" + NL
                + "  | (2 more lines like the one above)" + NL
                + "  | INFO:     Shutting down" + NL
                + "  | INFO:     127.0.0.1:50004 - \"GET /health HTTP/1.1\" 500 Internal Server Error" + NL
                + "  | (1 more line like the one above)");
    }

    @Test
    void aHugeLogIsReadFromItsEndWithoutAPartialFirstLine() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        append(log, "x".repeat(100_000) + NL + "last words" + NL);

        assertThat(log.tail()).containsExactly("last words");
    }

    @Test
    void containsAfterLooksOnlyPastTheOffset() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        append(log, "OSError: [Errno 98] Address already in use" + NL);
        long offset = log.size();
        append(log, "retrying" + NL);
        Pattern inUse = Pattern.compile("Address already in use");

        assertThat(log.containsAfter(0, inUse)).isTrue();
        assertThat(log.containsAfter(offset, inUse)).isFalse();
    }

    private static void append(LogFile log, String text) throws IOException {
        Files.writeString(log.path(), text, StandardOpenOption.APPEND);
    }
}
