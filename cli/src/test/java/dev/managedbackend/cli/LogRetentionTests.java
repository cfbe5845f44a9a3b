package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What stays in the command line's log folder after a start or a stop. */
class LogRetentionTests {

    @TempDir
    Path logs;

    @AfterEach
    void defaults() {
        System.clearProperty(LogRetention.COUNT_PROPERTY);
        System.clearProperty(LogRetention.DAYS_PROPERTY);
    }

    @Test
    void emptyLogsGoOthersStay() throws Exception {
        Path empty = Files.createFile(logs.resolve("api-failed.log"));
        Path full = Files.writeString(logs.resolve("api-stopped.log"), "INFO: started\n");
        Path other = Files.writeString(logs.resolve("notes.txt"), "");

        assertThat(LogRetention.prune(logs)).isEqualTo(1);

        assertThat(empty).doesNotExist();
        assertThat(full).exists();
        assertThat(other).describedAs("only *.log files are ours").exists();
    }

    @Test
    void logsOlderThanTheDaysGo() throws Exception {
        Path old = log("old.log", Duration.ofDays(8));
        Path recent = log("recent.log", Duration.ofDays(6));

        assertThat(LogRetention.prune(logs)).isEqualTo(1);

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void onlyTheNewestCountStay() throws Exception {
        System.setProperty(LogRetention.COUNT_PROPERTY, "2");
        Path first = log("first.log", Duration.ofMinutes(3));
        Path second = log("second.log", Duration.ofMinutes(2));
        Path third = log("third.log", Duration.ofMinutes(1));

        assertThat(LogRetention.prune(logs)).isEqualTo(1);

        assertThat(first).doesNotExist();
        assertThat(second).exists();
        assertThat(third).exists();
    }

    @Test
    void aLogSomeProcessHasOpenStaysWhateverItsAgeOrSize() throws Exception {
        System.setProperty(LogRetention.COUNT_PROPERTY, "0");
        Path running = logs.resolve("running.log");
        try (FileOutputStream writer = new FileOutputStream(running.toFile())) { // as a backend's stdout
            Files.setLastModifiedTime(running, FileTime.from(Instant.now().minus(Duration.ofDays(30))));

            assertThat(LogRetention.prune(logs)).isZero();

            assertThat(running).exists();
        }
    }

    @Test
    void aSettingThatIsNotANumberIsNamedWithItsFix() {
        System.setProperty(LogRetention.DAYS_PROPERTY, "a week");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogRetention.prune(logs))
                .hasMessage("-Dmanagedbackend.logRetentionDays=a week is not a whole number; give e.g. "
                        + "-Dmanagedbackend.logRetentionDays=7 (in MANAGED_BACKEND_JAVA_OPTS)");
    }

    private Path log(String name, Duration age) throws Exception {
        Path file = Files.writeString(logs.resolve(name), "a line\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }
}
