package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The library's words as a terminal shows them. */
class MessagesTests {

    @Test
    void countsAreGrammatical() {
        assertThat(Messages.count(0, "backend", "backends")).isEqualTo("0 backends");
        assertThat(Messages.count(1, "process", "processes")).isEqualTo("1 process");
        assertThat(Messages.count(3, "process", "processes")).isEqualTo("3 processes");
    }

    @Test
    void whatASweepLeftBehindIsSaidInTheCommandLinesWords() {
        assertThat(Messages.leftBehind("detached backend 'api' (pid 42, python -m uvicorn app.main:app)"))
                .isEqualTo("backend 'api' of managed-backend start, whose process died (pid 42, python -m uvicorn "
                        + "app.main:app)");
        assertThat(Messages.leftBehind("backend 'web' of test JVM 7 (pid 42, ./server)"))
                .isEqualTo("backend 'web', left by a test JVM or managed-backend run that died (process 7), "
                        + "(pid 42, ./server)");
    }

    @Test
    void aMessageBeginsItsLineAndEndsOneSentenceOnce() {
        assertThat(Messages.forTerminal("\nbackend 'api': it failed.. It was stopped."))
                .isEqualTo("backend 'api': it failed. It was stopped.");
        assertThat(Messages.forTerminal("resolved to ../apps, or wait...")).isEqualTo("resolved to ../apps, or wait...");
        assertThat(Messages.forTerminal("the folder /srv/.. is open.")).isEqualTo("the folder /srv/.. is open.");
    }
}
