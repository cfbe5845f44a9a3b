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
 * <p>The JVM's child is never a process group leader, so it can call {@code setsid()} itself and
 * then exec the command, which keeps the pid the JVM knows: pid == process group == session. Who
 * calls it is chosen by what the machine offers: util-linux {@code setsid} (Linux); else the app's
 * own Python ({@code os.setsid()}, then {@code os.execvp}); else {@code perl} ({@code POSIX::setsid},
 * then {@code exec}; macOS always has it); else {@code python3} on the PATH. Where none is there
 * (Windows), backends run in the JVM's own group and a stop reaches only the root's descendants.
 */
public final class ProcessGroups {

    /** Calls setsid(), then execs its arguments (argv[0] looked up on the PATH). */
    private static final String PYTHON_SETSID = "import os, sys; os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])";
    private static final String PERL_SETSID =
            "use POSIX (); POSIX::setsid() or die \"setsid: $!\\n\"; exec {$ARGV[0]} @ARGV or die \"exec $ARGV[0]: $!\\n\"";
    private static final Optional<String> PERL = onPath("perl", System.getenv("PATH"));

    private ProcessGroups() {
    }

    /**
     * {@code argv} prefixed so that it runs in a new session and process group; empty where that is
     * not possible, or where {@code argv[0]} cannot be found (the caller then launches it as is, so
     * the JVM reports the missing program as it always did, rather than the starter failing).
     *
     * @param python the app's interpreter, preferred where there is no util-linux {@code setsid}
     */
    public static Optional<List<String>> inOwnGroup(List<String> argv, Path dir, Map<String, String> env,
            Optional<Path> python) {
        if (argv.isEmpty() || !resolvable(argv.get(0), dir, env)) {
            return Optional.empty();
        }
        return starter(python, env).map(prefix -> {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(argv);
            return command;
        });
    }

    /** What runs a command in a new session here (see the class comment). */
    private static Optional<List<String>> starter(Optional<Path> python, Map<String, String> env) {
        if (HostFacts.utilLinuxSetsid().isPresent()) {
            return Optional.of(List.of(HostFacts.utilLinuxSetsid().get()));
        }
        if (!HostFacts.hasFork()) {
            return Optional.empty();
        }
        if (python.isPresent() && Files.isExecutable(python.get())) {
            return Optional.of(List.of(python.get().toString(), "-c", PYTHON_SETSID));
        }
        if (PERL.isPresent()) {
            return Optional.of(List.of(PERL.get(), "-e", PERL_SETSID));
        }
        return onPath("python3", env.getOrDefault("PATH", System.getenv("PATH")))
                .map(python3 -> List.of(python3, "-c", PYTHON_SETSID));
    }

    /**
     * The live members of process group {@code pgid} that carry {@code tag}, found by reading
     * {@code /proc/<pid>/stat} of every process (a few milliseconds), or where there is no
     * {@code /proc} from POSIX {@code ps} (one call, tens of milliseconds). Each handle is taken before
     * its tag is checked, and {@link ProcessHandle} checks the start time again before it
     * signals, so a handle here never signals a process whose pid was reused meanwhile.
     */
    public static List<ProcessHandle> members(long pgid, String tag) {
        List<ProcessHandle> members = new ArrayList<>();
        if (!HostFacts.hasProc()) {
            PosixPs.groups().forEach((pid, group) -> {
                if (group == pgid) {
                    ProcessHandle.of(pid).filter(handle -> ProcessIdentity.carriesTag(pid, tag)).ifPresent(members::add);
                }
            });
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
        return onPath(program, env.getOrDefault("PATH", System.getenv("PATH"))).isPresent();
    }

    private static Optional<String> onPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, program))
                .filter(file -> Files.isExecutable(file) && !Files.isDirectory(file))
                .map(Path::toString).findFirst();
    }
}
