package dev.managedbackend.internal.os;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's processes, as the sweep needs them: which carry a given environment tag. On Linux
 * only the sweep uses it, and only when the ledger names a dead owner, because listing every
 * process and reading its environment is the one expensive thing in crash safety. Where there is
 * no {@code /proc} (the portable path) it also answers the per-process questions {@code /proc}
 * answers on Linux: tag, state, the listener of a port.
 */
public interface ProcessTable {

    /** Every live process whose {@code MANAGED_BACKEND_OWNER} is one of {@code tags}: pid to tag. */
    Map<Long, String> withTags(Set<String> tags);

    /** {@code pid}'s {@code MANAGED_BACKEND_OWNER} as of now; empty if it has none or is gone. */
    Optional<String> tagOf(long pid);

    /** Whether {@code pid} is a zombie: ended, but not reaped yet (false if it is gone, or cannot be read). */
    boolean isZombie(long pid);

    /** The pids that listen on TCP {@code port} ({@code -1} for a listener this user may not inspect). */
    Set<Long> listenersOn(int port);
}
