package dev.managedbackend.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dotenv file ({@code .env}, {@code .env.local} of Next.js or Vite) in which one key is set to
 * a backend's URL, and later given back the value it had: every other line kept as it was
 * (comments, blank lines, other keys, their order, {@code export} prefixes, each line's own
 * ending, LF or CRLF). Every line that assigns the key is replaced (so no older assignment can
 * win over the new one); if none does, a line is added at the end.
 *
 * <p>The file is edited, never written through: it must lie inside the project (the working
 * folder, or the folder of the {@code --config} file) with no symbolic link on the way, and is
 * refused otherwise, since a link could make the edit land in {@code ~/.bashrc}. The new text is
 * written to a file created new (no-follow, mode 600) beside it, given the old file's mode, owner
 * and group, and renamed over it, so a dev server that watches it never reads half a file.
 */
final class EnvFile {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern LINE = Pattern.compile("([^\r\n]*)(\r\n|\n|\r)?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private EnvFile() {
    }

    static boolean isKey(String key) {
        return KEY.matcher(key).matches();
    }

    /** A path that the command line does not edit; the message names it, what is wrong and the fix. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * What {@link #set} changed, so that {@link #restore} can undo it.
     *
     * @param previous the lines that assigned the key before, without their endings; empty if none did
     */
    record Edit(Path project, Path file, String key, String value, List<String> previous) {
        Edit {
            previous = List.copyOf(previous);
        }
    }

    /** One line and its own ending ({@code ""} for a last line without one). */
    private record Line(String text, String ending) {
    }

    /**
     * The file as it will be edited: absolute, inside {@code project}, no link on the way, a
     * regular file if it exists.
     */
    static Path checked(Path project, Path file) throws Refused, IOException {
        Path root = project.toAbsolutePath().normalize();
        Path target = file.toAbsolutePath().normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new Refused("--env-file " + file + " is " + target + ", outside the project " + root + ": only a file "
                    + "in the project's folder or below it is edited. Give a path inside it, or run managed-backend "
                    + "from the folder that holds the file (with --config, the config file's folder is the project)");
        }
        Path walked = root;
        for (Path part : root.relativize(target)) {
            walked = walked.resolve(part);
            if (Files.isSymbolicLink(walked)) {
                throw new Refused("--env-file " + file + ": " + walked + " is a symbolic link (to "
                        + Files.readSymbolicLink(walked) + "); the file is edited only where it is, never through a "
                        + "link, which could lead out of the project. Give the path of the file itself, or replace "
                        + "the link with the file");
            }
            if (!Files.exists(walked, LinkOption.NOFOLLOW_LINKS)) {
                break; // created by set
            }
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused("--env-file " + file + " (" + target + ") is not a regular file; give the path of a "
                    + "dotenv file such as web/.env.local");
        }
        return target;
    }

    /** Sets {@code key=value} in {@code file} (created, with its folder, if missing). */
    static Edit set(Path project, Path file, String key, String value) throws Refused, IOException {
        Path target = checked(project, file);
        boolean exists = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        List<Line> lines = exists ? lines(Files.readString(target, StandardCharsets.UTF_8)) : new ArrayList<>();
        Pattern assignment = assignment(key);
        List<String> previous = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = assignment.matcher(lines.get(i).text());
            if (matcher.matches()) {
                previous.add(lines.get(i).text());
                lines.set(i, new Line(matcher.group(1) + key + "=" + value, lines.get(i).ending()));
            }
        }
        if (previous.isEmpty()) {
            append(lines, key + "=" + value);
        }
        write(target, lines, exists);
        return new Edit(project.toAbsolutePath().normalize(), target, key, value, previous);
    }

    /**
     * Gives the key back the value it had before {@link #set}, or removes its line if it had none;
     * leaves the file alone where the key no longer holds the value set (edited since).
     *
     * @return what was done, for the user: "restored KEY=... in FILE", ...
     */
    static String restore(Edit edit) throws Refused, IOException {
        Path target = checked(edit.project(), edit.file());
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return "left " + edit.file() + " alone: it is gone";
        }
        List<Line> lines = lines(Files.readString(target, StandardCharsets.UTF_8));
        Pattern assignment = assignment(edit.key());
        List<Integer> set = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = assignment.matcher(lines.get(i).text());
            if (matcher.matches()) {
                if (!lines.get(i).text().equals(matcher.group(1) + edit.key() + "=" + edit.value())) {
                    return "left " + edit.key() + " in " + edit.file() + " as it is: it no longer holds " + edit.value()
                            + ", so it was changed since";
                }
                set.add(i);
            }
        }
        if (set.isEmpty()) {
            return "left " + edit.file() + " alone: " + edit.key() + " is no longer in it";
        }
        for (int n = set.size() - 1; n >= 0; n--) {
            int i = set.get(n);
            if (edit.previous().isEmpty()) {
                lines.remove(i);
            } else {
                String before = edit.previous().get(Math.min(n, edit.previous().size() - 1));
                lines.set(i, new Line(before, lines.get(i).ending()));
            }
        }
        write(target, lines, true);
        return edit.previous().isEmpty()
                ? "removed " + edit.key() + " from " + edit.file() + " (it was not there before the backend started)"
                : "restored " + edit.previous().get(edit.previous().size() - 1).strip() + " in " + edit.file()
                        + " (its line before the backend started)";
    }

    private static Pattern assignment(String key) {
        return Pattern.compile("^(\\s*(?:export\\s+)?)" + Pattern.quote(key) + "\\s*=.*$");
    }

    private static List<Line> lines(String text) {
        List<Line> lines = new ArrayList<>();
        Matcher matcher = LINE.matcher(text);
        int at = 0;
        while (at < text.length() && matcher.find(at) && matcher.end() > at) {
            lines.add(new Line(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2)));
            at = matcher.end();
        }
        return lines;
    }

    /** A new last line, ending as the line before it does (LF in a new file). */
    private static void append(List<Line> lines, String text) {
        String ending = lines.stream().map(Line::ending).filter(e -> !e.isEmpty()).reduce((a, b) -> b).orElse("\n");
        if (!lines.isEmpty() && lines.get(lines.size() - 1).ending().isEmpty()) {
            Line last = lines.remove(lines.size() - 1);
            lines.add(new Line(last.text(), ending));
        }
        lines.add(new Line(text, ending));
    }

    private static void write(Path target, List<Line> lines, boolean exists) throws IOException {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.text()).append(line.ending()));
        Path folder = target.getParent();
        Files.createDirectories(folder);
        Optional<PosixFileAttributes> old = exists ? posix(target) : Optional.empty();
        Path temporary = createNew(folder, target.getFileName().toString(), text.toString());
        try {
            if (old.isPresent()) {
                keepOwnerAndMode(temporary, target, old.get());
            }
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** A file of a new, unguessable name that did not exist (no-follow), mode 600, holding {@code text}. */
    private static Path createNew(Path folder, String name, String text) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            Path temporary = folder.resolve("." + name + "." + HexFormat.of().formatHex(random) + ".tmp");
            Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (SeekableByteChannel channel = posix(folder).isPresent()
                    ? Files.newByteChannel(temporary, options,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.newByteChannel(temporary, options)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                return temporary;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /** The old file's mode, owner and group on the new one; refused if its owner or group cannot be kept. */
    private static void keepOwnerAndMode(Path temporary, Path target, PosixFileAttributes old) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes now = view.readAttributes();
        try {
            if (!now.owner().equals(old.owner())) {
                view.setOwner(old.owner());
            }
            if (!now.group().equals(old.group())) {
                view.setGroup(old.group());
            }
        } catch (IOException e) {
            throw new IOException(target + " belongs to " + old.owner().getName() + ":" + old.group().getName()
                    + ", which the edited file cannot keep (" + e.getMessage() + "), so it was left as it was. Run "
                    + "managed-backend as its owner, or make the file yours (chown)", e);
        }
        view.setPermissions(old.permissions());
    }

    private static Optional<PosixFileAttributes> posix(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        return view == null ? Optional.empty() : Optional.of(view.readAttributes());
    }
}
