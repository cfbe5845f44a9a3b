package dev.managedbackend.internal.os;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's processes, as the sweep needs them: which carry a given environment tag. Only the
 * sweep uses it, and only when the ledger names a dead owner, because listing every process and
 * reading its environment is the one expensive thing in crash safety.
 */
public interface ProcessTable {

    /** Every live process whose {@code MANAGED_BACKEND_OWNER} is one of {@code tags}: pid to tag. */
    Map<Long, String> withTags(Set<String> tags);

    /** {@code pid}'s {@code MANAGED_BACKEND_OWNER} as of now; empty if it has none or is gone. */
    Optional<String> tagOf(long pid);
}
