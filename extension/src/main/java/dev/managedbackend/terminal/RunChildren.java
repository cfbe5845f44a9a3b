package dev.managedbackend.terminal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.managedbackend.internal.os.OshiProcessTable;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;

/**
 * The command that {@code run} runs beside its backend, tagged with this JVM's identity so that
 * its watchdog stops it too if this JVM is killed, and stopped by the library's one stop routine.
 */
public final class RunChildren {

    /** The environment variable that carries the tag. */
    public static final String TAG_VARIABLE = OwnerTag.VARIABLE;

    /**
     * What {@link #stopLeftovers} found.
     *
     * @param found     the processes that carried the tag
     * @param survivors those still running after SIGKILL
     */
    public record Leftovers(List<Long> found, List<Long> survivors) {
    }

    private RunChildren() {
    }

    /** This JVM's tag for the process named {@code what}, e.g. {@code "run: api command"}. */
    public static String tag(String what) {
        return OwnerTag.of(what);
    }

    /** SIGTERM to {@code child} (launched by this JVM with {@code tag}), {@code grace}, SIGKILL; its tree too. */
    public static void stop(Process child, String tag, Duration grace) {
        ProcessStopper.stopChild(child, tag, grace);
    }

    /** Whatever still carries {@code tag} (what the command started and left running), stopped. */
    public static Leftovers stopLeftovers(String tag, Duration grace) {
        if (!ProcessIdentity.hasProc()) {
            return new Leftovers(List.of(), List.of()); // no environments to read
        }
        Map<ProcessHandle, String> left = new LinkedHashMap<>();
        OshiProcessTable.create().withTags(Set.of(tag)).keySet()
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(handle -> left.put(handle, tag)));
        if (left.isEmpty()) {
            return new Leftovers(List.of(), List.of());
        }
        List<ProcessHandle> survivors = ProcessStopper.stopTagged(left, grace);
        return new Leftovers(left.keySet().stream().map(ProcessHandle::pid).sorted().toList(),
                survivors.stream().map(ProcessHandle::pid).toList());
    }
}
