package dev.managedbackend.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.BackendStartException;

/** The backend log: its name, our notes in it, and the tail that failure messages show. */
class LogFileTests {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    @Test
    void isNamedAfterTestAndBackendSafelyAndUnpredictably() throws IOException {
        LogFile first = LogFile.create(dir.resolve("logs"), "ItemsIT$Nested.test", "users api");
        LogFile second = LogFile.create(dir.resolve("logs"), "ItemsIT$Nested.test", "users api");

        assertThat(first.path()).exists().isEmptyFile().hasParent(dir.resolve("logs"));
        assertThat(first.path().getFileName().toString()).matches("ItemsIT_Nested\\.test-users_api-[0-9a-f]{16}\\.log");
        assertThat(second.path()).isNotEqualTo(first.path());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.path()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs"))))
                .isEqualTo("rwx------");
    }

    /** A log is reopened by name after it was made (our notes, the child's output redirect). */
    @Test
    void aLogReplacedByALinkIsNeitherWrittenThroughNorHandedToTheChild() throws IOException {
        Path elsewhere = Files.writeString(dir.resolve("authorized_keys"), "ssh-ed25519 AAAA root@ci");
        LogFile log = LogFile.create(dir.resolve("logs"), "T", "b");
        Files.delete(log.path());
        Files.createSymbolicLink(log.path(), elsewhere);

        log.note("starting server");

        assertThat(elsewhere).hasContent("ssh-ed25519 AAAA root@ci");
        assertThatThrownBy(log::forRedirect).isInstanceOf(BackendStartException.class)
                .hasMessage("The backend log " + log.path() + " cannot be written safely: the file " + log.path()
                        + " is a symbolic link; not writing to it");
    }

    @Test
    void anEmptyLogSaysSo() {
        LogFile log = LogFile.create(dir, "T", "b");

        assertThat(log.tail()).isEmpty();
        assertThat(log.tailForMessage()).isEqualTo("Log " + log.path() + " is empty.");
    }

    @Test
    void tailIsTheNonBlankLinesAtTheEndOfTheFile() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        log.note("starting server");
        append(log, IntStream.rangeClosed(1, 300).mapToObj(i -> "line " + i + NL + NL)
                .collect(Collectors.joining()));

        assertThat(log.tail()).hasSize(301).startsWith("[managed-backend] starting server", "line 1")
                .endsWith("line 300").doesNotContain("");
    }

    @Test
    void theMessageShowsTheLast25LinesAfterFolding() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        append(log, IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + (char) ('A' + i % 26) + i + NL)
                .collect(Collectors.joining()));

        assertThat(log.tailForMessage().lines().skip(1)).hasSize(25).startsWith("  | line Q16").endsWith("  | line O40");
    }

    @Test
    void aMinuteOfHealthPollsDoesNotPushTheStartupOutputOutOfTheMessage() throws IOException {
        LogFile log = LogFile.create(dir, "T", "b");
        log.note("starting python -m uvicorn app:app");
        append(log, "WARNING:  DATABASE_URL is not set; /health will fail" + NL);
        append(log, IntStream.rangeClosed(1, 6000).mapToObj(i -> "INFO:     127.0.0.1:" + (40000 + i)
                + " - \"GET /health HTTP/1.1\" 500 Internal Server Error" + NL).collect(Collectors.joining()));
        append(log, "INFO:     Shutting down" + NL);

        assertThat(log.tailForMessage()).isEqualTo("Log " + log.path() + ", last lines:" + NL
                + "  | [managed-backend] starting python -m uvicorn app:app" + NL
                + "  | WARNING:  DATABASE_URL is not set; /health will fail" + NL
                + "  | INFO:     127.0.0.1:40001 - \"GET /health HTTP/1.1\" 500 Internal Server Error" + NL
                + "  | (5999 more lines like the one above)" + NL
                + "  | INFO:     Shutting down");
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
        append(log, "x".repeat(3 * 1024 * 1024) + NL + "last words" + NL);

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
