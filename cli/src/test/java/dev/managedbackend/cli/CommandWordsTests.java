package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandWordsTests {

    @Test
    void splitsLikeAShellWithoutExpandingAnything() {
        assertThat(CommandWords.split("  python3 -m http.server {port}  --bind {host} "))
                .containsExactly("python3", "-m", "http.server", "{port}", "--bind", "{host}");
        assertThat(CommandWords.split("sh -c 'echo $PORT; exit 1' \"a \\\"b\\\" $HOME\" c\\ d ''"))
                .containsExactly("sh", "-c", "echo $PORT; exit 1", "a \"b\" $HOME", "c d", "");
    }

    @Test
    void anUnterminatedQuoteIsAnError() {
        assertThatThrownBy(() -> CommandWords.split("sh -c 'echo")).hasMessage("unterminated ' in sh -c 'echo");
        assertThatThrownBy(() -> CommandWords.split("a \"b")).hasMessage("unterminated \" in a \"b");
    }
}
