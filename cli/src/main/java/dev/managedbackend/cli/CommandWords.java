package dev.managedbackend.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code --command "CMD"} into words the way a POSIX shell does, without running one:
 * blanks separate words, single quotes keep everything literally, double quotes keep blanks
 * (a backslash escapes {@code "}, {@code \}, {@code $} and {@code `} in them), a backslash
 * outside quotes escapes the next character. No variables, globs or substitutions: the words are
 * the program and its arguments, {@code {port}} and {@code {host}} replaced by the library.
 */
final class CommandWords {

    private CommandWords() {
    }

    /** The words; throws {@link IllegalArgumentException} for an unterminated quote or trailing backslash. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated ' in " + line);
                }
                word.append(line, i + 1, end);
                i = end;
                inWord = true;
            } else if (c == '"') {
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    char d = line.charAt(i);
                    if (d == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
                        d = line.charAt(++i);
                    }
                    word.append(d);
                    i++;
                }
                if (i >= line.length()) {
                    throw new IllegalArgumentException("unterminated \" in " + line);
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("a trailing \\ in " + line);
                }
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
