package dev.managedbackend.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import dev.managedbackend.BackendStartException;
import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.PrivateFiles;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * A backend's log file. The child process writes to it directly (its stdout and stderr are
 * redirected to the file by the OS), so there is no pipe that could fill up and stall the app,
 * and no thread of ours that has to keep draining one.
 */
public final class LogFile {

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /**
     * How much of the end of the file the tail looks at. Generous, because the message folds
     * repeated lines first: a minute of health polls (thousands of access-log lines) must not
     * push the app's startup output out of view.
     */
    private static final int TAIL_LINES = 20_000;
    private static final int MESSAGE_LINES = 25;
    private static final int TAIL_BYTES = 1024 * 1024;

    private static final String FOLDER = "The backend log folder (" + ManagedBackend.LOG_DIR_PROPERTY_NAME + ")";

    private final Path path;
    /** The checked folder it was created in; null for a log only read. */
    private final PrivateFiles folder;

    private LogFile(Path path, PrivateFiles folder) {
        this.path = path;
        this.folder = folder;
    }

    /** The log file of a backend that already has one, to read its tail. */
    public static LogFile existing(Path path) {
        return new LogFile(path, null);
    }

    /**
     * A new, empty file named after the test and the backend, with a random part that makes it
     * unique across JVMs and that no one can guess: created new (never through a planted file or
     * link), mode 600, in the log folder made private first.
     */
    public static LogFile create(Path dir, String owner, String backendName) {
        String prefix = UNSAFE.matcher(owner + "-" + backendName).replaceAll("_") + "-";
        PrivateFiles folder;
        try {
            folder = PrivateFiles.in(dir, FOLDER);
        } catch (PrivateFolder.NotPrivate e) {
            throw new BackendStartException(e.getMessage() + ".", e);
        }
        try {
            return new LogFile(folder.createUnpredictable(prefix, ".log"), folder);
        } catch (IOException e) {
            throw new BackendStartException("Could not create the backend log file " + prefix + "*.log in " + dir
                    + " (" + e + "); set -D" + ManagedBackend.LOG_DIR_PROPERTY_NAME + " to a folder of yours", e);
        }
    }

    /**
     * The path, checked right before a child process's output is redirected to it by name: still
     * the regular file of ours that we created, in the folder that was checked.
     */
    public Path forRedirect() {
        try {
            return folder == null ? path : folder.checkedForReopen(path);
        } catch (IOException e) {
            throw new BackendStartException("The backend log " + path + " cannot be written safely: "
                    + e.getMessage(), e);
        }
    }

    /** Appends to the file (never creating it, never through a link); for output we copy ourselves. */
    public OutputStream append() throws IOException {
        if (folder == null) {
            throw new IOException("the log " + path + " was not created by this JVM; not writing to it");
        }
        return folder.append(path);
    }

    private static void addRepeats(List<String> shown, int repeats) {
        if (repeats > 0) {
            shown.add("(" + repeats + (repeats == 1 ? " more line" : " more lines") + " like the one above)");
        }
    }

    public Path path() {
        return path;
    }

    /** Adds a line of our own, e.g. the command about to run, so the log explains itself. */
    public void note(String line) {
        try (OutputStream out = append()) {
            out.write(("[managed-backend] " + line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the log is for people; a failed note must not fail a start
        }
    }

    /** The current size, to look at only what comes after it with {@link #containsAfter}. */
    public long size() {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the output written after {@code offset} has a match of {@code pattern}. */
    public boolean containsAfter(long offset, Pattern pattern) {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            long start = Math.max(offset, file.length() - 4 * TAIL_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return pattern.matcher(new String(bytes, StandardCharsets.UTF_8)).find();
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of the file (at most {@value #TAIL_LINES}), without blank ones. */
    public List<String> tail() {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = new ArrayList<>(Arrays.asList(
                    new String(bytes, StandardCharsets.UTF_8).split("\\R")));
            if (start > 0 && !lines.isEmpty()) {
                lines.remove(0); // a partial line
            }
            lines.removeIf(String::isBlank);
            return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        } catch (IOException e) {
            return List.of("(could not read " + path + ": " + e.getMessage() + ")");
        }
    }

    /** The tail formatted for a failure message: at most {@value #MESSAGE_LINES} lines. */
    public String tailForMessage() {
        List<String> tail = tail();
        if (tail.isEmpty()) {
            return "Log " + path + " is empty.";
        }
        // Runs of lines that differ only in numbers (uvicorn's access log of health polls, say)
        // are shown once, so that they do not push the interesting lines out of the tail.
        List<String> shown = new ArrayList<>();
        String previousShape = null;
        int repeats = 0;
        for (String line : tail) {
            String shape = DIGITS.matcher(line).replaceAll("0");
            if (shape.equals(previousShape)) {
                repeats++;
                continue;
            }
            addRepeats(shown, repeats);
            repeats = 0;
            previousShape = shape;
            shown.add(line);
        }
        addRepeats(shown, repeats);
        StringBuilder text = new StringBuilder("Log ").append(path).append(", last lines:");
        for (String line : shown.subList(Math.max(0, shown.size() - MESSAGE_LINES), shown.size())) {
            text.append(System.lineSeparator()).append("  | ").append(line);
        }
        return text.toString();
    }
}
