package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A dotenv file ({@code .env}, {@code .env.local} of Next.js or Vite) in which one key is set to
 * a backend's URL, every other line kept as it was: comments, blank lines, other keys, their
 * order, {@code export} prefixes and the file's line endings. Every line that assigns the key is
 * replaced (so no older assignment can win over the new one); if none does, a line is added at
 * the end. The file and its folder are created if missing. Written to a temporary file beside it
 * and moved over it, so a dev server that watches it never reads half a file.
 */
final class EnvFile {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private EnvFile() {
    }

    static boolean isKey(String key) {
        return KEY.matcher(key).matches();
    }

    /** Sets {@code key=value} in {@code file}; returns whether the key was there before. */
    static boolean set(Path file, String key, String value) throws IOException {
        // through a link to the file it names: a shared .env stays shared
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath().normalize();
        String text = Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        Pattern assignment = Pattern.compile("^(\\s*(?:export\\s+)?)" + Pattern.quote(key) + "\\s*=.*$");
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        boolean endsWithNewline = text.isEmpty() || text.endsWith("\n");
        if (endsWithNewline) {
            lines.remove(lines.size() - 1); // the empty string after the last newline
        }
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            var matcher = assignment.matcher(lines.get(i));
            if (matcher.matches()) {
                lines.set(i, matcher.group(1) + key + "=" + value);
                found = true;
            }
        }
        if (!found) {
            lines.add(key + "=" + value);
        }
        String written = String.join(newline, lines) + newline;
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, written, StandardCharsets.UTF_8);
            if (Files.exists(target)) {
                try {
                    Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException | IOException e) {
                    // not POSIX: the new file's default permissions
                }
            } else {
                try {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException | IOException e) {
                    // not POSIX
                }
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return found;
    }
}
