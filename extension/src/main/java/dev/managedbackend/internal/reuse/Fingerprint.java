package dev.managedbackend.internal.reuse;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a reused backend runs, so that a changed file means a fresh start and never stale code:
 * every file under the backend's folder by path, size and modification time (not its content:
 * a listing costs milliseconds where hashing would cost seconds), less the folders that hold
 * environments, caches, builds and history; plus the interpreter's environment (its
 * {@code pyvenv.cfg} and the listing of its {@code site-packages}), so that a dependency
 * installed into the venv counts as a change too.
 *
 * @param lines one line per file, {@code path<TAB>size<TAB>mtime}, sorted
 */
public record Fingerprint(List<String> lines) {

    /** Never part of what runs: environments, caches, builds, history. */
    private static final Set<String> SKIPPED = Set.of(".venv", "venv", "__pycache__", ".git", "node_modules", "target");

    public Fingerprint {
        lines = List.copyOf(lines);
    }

    /**
     * @param dir      the backend's folder
     * @param python   its interpreter, or null (command mode)
     * @param excluded folders under {@code dir} that change on every run (the log folder, the state folder)
     */
    public static Fingerprint of(Path dir, Path python, List<Path> excluded) throws IOException {
        List<String> lines = new ArrayList<>();
        Path root = dir.toAbsolutePath().normalize();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attrs) {
                Path name = folder.getFileName();
                if (!folder.equals(root) && (name != null && SKIPPED.contains(name.toString())
                        || excluded.stream().anyMatch(folder::equals))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                lines.add(line(root.relativize(file).toString(), attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                lines.add(root.relativize(file) + "\tunreadable\t0");
                return FileVisitResult.CONTINUE;
            }
        });
        if (python != null) {
            environment(python, lines);
        }
        lines.sort(null);
        return new Fingerprint(lines);
    }

    /** The interpreter itself, and where it is a venv's, its pyvenv.cfg and site-packages listing. */
    private static void environment(Path python, List<String> lines) throws IOException {
        Path venv = python.toAbsolutePath().getParent() == null ? null : python.toAbsolutePath().getParent().getParent();
        if (venv == null || !Files.isRegularFile(venv.resolve("pyvenv.cfg"))) {
            Path real = python.toRealPath();
            lines.add("python:" + real + "\t" + Files.size(real) + "\t" + Files.getLastModifiedTime(real).toMillis());
            return;
        }
        lines.add(line("python:pyvenv.cfg", Files.readAttributes(venv.resolve("pyvenv.cfg"), BasicFileAttributes.class)));
        Path lib = venv.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return;
        }
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(lib, "python*")) {
            for (Path version : versions) {
                Path site = version.resolve("site-packages");
                if (!Files.isDirectory(site)) {
                    continue;
                }
                try (DirectoryStream<Path> packages = Files.newDirectoryStream(site)) {
                    for (Path entry : packages) {
                        lines.add(line("python:" + lib.relativize(entry),
                                Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
                    }
                }
            }
        }
    }

    private static String line(String path, BasicFileAttributes attrs) {
        return path + "\t" + attrs.size() + "\t" + attrs.lastModifiedTime().toMillis();
    }

    /** A short hash of the whole listing. */
    public String hash() {
        return ListHash.of(lines);
    }

    /** One file that differs from {@code older} (changed, added or removed), for the log; empty if none. */
    public Optional<String> firstDifference(Fingerprint older) {
        Map<String, String> before = byPath(older.lines);
        Map<String, String> now = byPath(lines);
        for (Map.Entry<String, String> file : now.entrySet()) {
            String was = before.get(file.getKey());
            if (was == null) {
                return Optional.of(file.getKey() + " (added)");
            }
            if (!was.equals(file.getValue())) {
                return Optional.of(file.getKey() + " (changed)");
            }
        }
        return before.keySet().stream().filter(path -> !now.containsKey(path)).findFirst().map(p -> p + " (removed)");
    }

    private static Map<String, String> byPath(List<String> lines) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String l : lines) {
            int tab = l.indexOf('\t');
            map.put(tab < 0 ? l : l.substring(0, tab), tab < 0 ? "" : l.substring(tab + 1));
        }
        return map;
    }
}
