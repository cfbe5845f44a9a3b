package dev.managedbackend.internal.os;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Where a process-mode backend gets a process group of its own, so that its whole tree can be
 * found again later: also the children that re-parented when their parent died (uvicorn's
 * {@code --workers} and {@code --reload} children once the main process is gone, a server that
 * daemonizes).
 *
 * <p>The backend is launched through util-linux {@code setsid}. The JVM's child is never a
 * process group leader, so {@code setsid} does not fork: it calls {@code setsid()} and execs
 * the command, which keeps the pid the JVM knows, and then pid == process group == session.
 * Where there is no {@code setsid} (macOS), backends run as before, in the JVM's own group.
 */
public final class ProcessGroups {

    private static final Optional<String> SETSID = findSetsid();

    private ProcessGroups() {
    }

    /** util-linux {@code setsid}, where this machine has it. */
    public static Optional<String> setsid() {
        return SETSID;
    }

    /** Whether backends get a process group of their own on this machine. */
    public static boolean supported() {
        return SETSID.isPresent() && ProcessIdentity.hasProc();
    }

    /**
     * {@code argv} prefixed so that it runs in a new session and process group; empty where that is
     * not possible, or where {@code argv[0]} cannot be found (the caller then launches it as is, so
     * the JVM reports the missing program as it always did, rather than setsid exiting with 127).
     */
    public static Optional<List<String>> inOwnGroup(List<String> argv, Path dir, Map<String, String> env) {
        if (!supported() || argv.isEmpty() || !resolvable(argv.get(0), dir, env)) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(argv.size() + 1);
        command.add(SETSID.get());
        command.addAll(argv);
        return Optional.of(command);
    }

    /**
     * The live members of process group {@code pgid} that carry {@code tag}, found by reading
     * {@code /proc/<pid>/stat} of every process (a few milliseconds). Each handle is taken before
     * its tag is checked, and {@link ProcessHandle} checks the start time again before it
     * signals, so a handle here never signals a process whose pid was reused meanwhile.
     */
    public static List<ProcessHandle> members(long pgid, String tag) {
        List<ProcessHandle> members = new ArrayList<>();
        if (!ProcessIdentity.hasProc()) {
            return members;
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
                path -> Character.isDigit(path.getFileName().toString().charAt(0)))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                OptionalLong group = ProcessIdentity.groupOf(pid);
                if (group.isEmpty() || group.getAsLong() != pgid) {
                    continue;
                }
                ProcessHandle.of(pid).filter(handle -> ProcessIdentity.carriesTag(pid, tag))
                        .ifPresent(members::add);
            }
        } catch (IOException | RuntimeException e) {
            // /proc vanished under us: nothing more can be found
        }
        return members;
    }

    private static boolean resolvable(String program, Path dir, Map<String, String> env) {
        if (program.contains("/")) {
            Path path = Path.of(program);
            return Files.isExecutable(path.isAbsolute() ? path : dir.resolve(path));
        }
        String path = env.getOrDefault("PATH", System.getenv("PATH"));
        if (path == null) {
            return false;
        }
        try (Stream<String> entries = Stream.of(path.split(File.pathSeparator))) {
            return entries.filter(entry -> !entry.isEmpty())
                    .anyMatch(entry -> Files.isExecutable(Path.of(entry, program)) && !Files.isDirectory(Path.of(entry, program)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Optional<String> findSetsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
