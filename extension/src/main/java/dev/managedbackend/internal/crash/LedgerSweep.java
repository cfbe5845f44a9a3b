package dev.managedbackend.internal.crash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;

import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.OshiProcessTable;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;
import dev.managedbackend.internal.os.ProcessTable;

/**
 * Cleans up after test JVMs that died without stopping their backends and whose watchdog did
 * not finish the job either (it was killed too, or the machine was too busy): the belt to the
 * watchdog's braces. Runs once per JVM and state folder, when the first backend starts.
 *
 * <p>Only entries whose owner is dead are touched: a JVM that runs right now, in parallel, keeps
 * everything. For each such entry it stops the processes that carry the entry's environment tag,
 * checked again right before each signal, and removes its container. A process that carries no
 * tag (a reused pid, an unrelated program an entry names) is never signalled, whatever the
 * entry says about it. Each entry is locked while it is swept, so two JVMs starting
 * at once do not both work on it; it is removed once nothing of it is left.
 */
public final class LedgerSweep {

    private static final Logger LOG = Logs.logger();
    private static final Duration TERM_GRACE = Duration.ofSeconds(1);
    /** How long one engine gets for all the containers of it that a sweep removes. */
    static final Duration ENGINE_BOUND = Duration.ofSeconds(20);

    private LedgerSweep() {
    }

    /**
     * What a sweep found and did, for logs, tests and the command line's {@code reap}.
     *
     * @param swept the entries it worked on, described ("backend 'api' of test JVM 4242 (pid ...)")
     */
    public record Result(int entries, List<Long> stopped, List<String> containers, List<String> kept,
            List<String> swept) {
        public boolean isEmpty() {
            return entries == 0;
        }
    }

    /**
     * What a sweep would do now, without doing it: per entry of a dead owner, what it names and
     * which processes carry its tag (or which container it names).
     */
    static List<String> preview(Ledger ledger) throws IOException {
        List<LedgerEntry> entries = new ArrayList<>();
        for (List<Path> files : ledger.deadOwners().values()) {
            for (Path file : files) {
                try {
                    entries.add(Ledger.read(file));
                } catch (IOException e) {
                    // gone meanwhile (swept by someone else), or unreadable: the sweep drops it
                }
            }
        }
        if (entries.isEmpty()) {
            return List.of();
        }
        Set<String> tags = new HashSet<>();
        entries.stream().filter(e -> !e.isContainer()).forEach(e -> tags.add(e.tag()));
        Map<Long, String> tagged = tags.isEmpty() ? Map.of() : OshiProcessTable.create().withTags(tags);
        List<String> plan = new ArrayList<>();
        for (LedgerEntry entry : entries) {
            if (entry.isContainer()) {
                plan.add(entry.describe() + ": would remove container " + entry.containerId());
                continue;
            }
            List<Long> pids = tagged.entrySet().stream().filter(t -> t.getValue().equals(entry.tag()))
                    .map(Map.Entry::getKey).sorted().toList();
            plan.add(entry.describe() + (pids.isEmpty() ? ": nothing of it runs; would remove its entry"
                    : ": would stop processes " + pids));
        }
        return plan;
    }

    /**
     * Sweeps the dead owners' entries of {@code ledger}, waiting for the engines (each bounded by
     * {@link #ENGINE_BOUND}). Returns at once, without loading OSHI or scanning processes, when
     * every entry belongs to a live JVM (the normal case).
     */
    static Result sweep(Ledger ledger) throws IOException {
        return sweep(ledger, false);
    }

    /**
     * As {@link #sweep(Ledger)}; with {@code containersInBackground}, what concerns a Docker engine
     * is done on a thread of its own and the result covers processes only: a start never waits on
     * an engine. The JVM's exit waits for that thread, bounded.
     */
    static Result sweep(Ledger ledger, boolean containersInBackground) throws IOException {
        Map<LedgerEntry.Owner, List<Path>> dead = ledger.deadOwners();
        if (dead.isEmpty()) {
            return new Result(0, List.of(), List.of(), List.of(), List.of());
        }
        List<Claimed> claimed = new ArrayList<>();
        for (List<Path> files : dead.values()) {
            for (Path file : files) {
                claim(file).ifPresent(claimed::add);
            }
        }
        List<Claimed> processes = claimed.stream().filter(c -> !c.entry.isContainer()).toList();
        List<Claimed> containers = claimed.stream().filter(c -> c.entry.isContainer()).toList();
        Result swept;
        try {
            swept = sweepProcesses(processes);
        } finally {
            processes.forEach(Claimed::release);
        }
        if (containers.isEmpty()) {
            return swept;
        }
        if (containersInBackground) {
            ContainerSweep.inBackground(() -> sweepContainers(containers));
            return swept;
        }
        Result removed = sweepContainers(containers);
        return new Result(swept.entries() + removed.entries(), swept.stopped(), removed.containers(),
                concat(swept.kept(), removed.kept()), concat(swept.swept(), removed.swept()));
    }

    private static Result sweepProcesses(List<Claimed> claimed) {
        List<Long> stopped = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Set<String> survivingTags = claimed.isEmpty() ? Set.of() : stopProcesses(claimed, stopped);
        for (Claimed c : claimed) {
            if (!survivingTags.contains(c.entry.tag())) {
                Ledger.remove(c.file);
            } else {
                kept.add(c.entry.describe() + ": still running");
            }
        }
        return report(claimed, new Result(claimed.size(), stopped, List.of(), kept,
                claimed.stream().map(c -> c.entry.describe()).toList()));
    }

    /** Removes the containers, each engine's on its own thread, bounded; releases the claims. */
    private static Result sweepContainers(List<Claimed> claimed) {
        try {
            Optional<ContainerRemover> remover = ContainerRemover.find();
            List<String> removed = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            if (remover.isEmpty()) {
                claimed.forEach(c -> kept.add(c.entry.describe()
                        + ": neither the docker CLI nor Testcontainers is available to remove it"));
            } else {
                Map<String, List<LedgerEntry>> byEngine = new LinkedHashMap<>();
                claimed.forEach(c -> byEngine.computeIfAbsent(c.entry.dockerHost(), h -> new ArrayList<>()).add(c.entry));
                // all engines at once: each is bounded, and one that hangs must not hold back the others
                List<CompletableFuture<Map<LedgerEntry, String>>> outcomes = byEngine.entrySet().stream()
                        .map(engine -> CompletableFuture.supplyAsync(() -> ContainerSweep.onEngine(remover.get(),
                                engine.getKey(), engine.getValue(), ENGINE_BOUND), LedgerSweep::onDaemonThread))
                        .toList();
                outcomes.forEach(outcome -> outcome.join().forEach((entry, problem) -> {
                    if (problem.isEmpty()) {
                        removed.add(entry.containerId());
                        claimed.stream().filter(c -> c.entry == entry).forEach(c -> Ledger.remove(c.file));
                    } else {
                        kept.add(entry.describe() + ": " + problem);
                    }
                }));
            }
            return report(claimed, new Result(claimed.size(), List.of(), removed, kept,
                    claimed.stream().map(c -> c.entry.describe()).toList()));
        } finally {
            claimed.forEach(Claimed::release);
        }
    }

    private static void onDaemonThread(Runnable work) {
        Thread thread = new Thread(work, "managed-backend sweep of an engine");
        thread.setDaemon(true);
        thread.start();
    }

    private static Result report(List<Claimed> claimed, Result result) {
        if (!claimed.isEmpty()) {
            String swept = String.format(
                    "swept %d ledger entries of test JVMs that died without stopping their backends: "
                            + "stopped processes %s, removed containers %s%s",
                    result.entries(), result.stopped(), result.containers(),
                    result.kept().isEmpty() ? "" : "; could not remove " + result.kept());
            if (result.kept().isEmpty()) {
                LOG.info(swept);
            } else {
                LOG.warn(swept);
            }
        }
        return result;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * SIGTERM, a second of grace, SIGKILL: to every process that carries one of the entries' tags,
     * matched in the scan and again right before each signal. A recorded root process that still
     * runs (same start stamp) but does not carry the tag is left alone and reported: pid and start
     * time are public, so they prove nothing. Returns the tags of which something survived.
     */
    private static Set<String> stopProcesses(List<Claimed> entries, List<Long> stopped) {
        Map<String, LedgerEntry> byTag = new LinkedHashMap<>();
        entries.forEach(c -> byTag.put(c.entry.tag(), c.entry));
        ProcessTable table = OshiProcessTable.create();
        Map<ProcessHandle, String> targets = new LinkedHashMap<>();
        for (Map.Entry<Long, String> found : table.withTags(byTag.keySet()).entrySet()) {
            ProcessHandle.of(found.getKey()).ifPresent(handle -> targets.put(handle, found.getValue()));
        }
        for (LedgerEntry entry : byTag.values()) {
            if (entry.pid() > 0 && targets.keySet().stream().noneMatch(h -> h.pid() == entry.pid())
                    && ProcessIdentity.isAlive(entry.pid(), entry.pidStart())) {
                LOG.warn("managed-backend: left pid " + entry.pid() + " alone: the ledger entry "
                        + entry.describe() + " names it, but its environment does not carry the tag "
                        + entry.tag() + " (or cannot be read), so it is not provably ours");
            }
        }
        if (targets.isEmpty()) {
            return Set.of();
        }
        List<ProcessHandle> left = ProcessStopper.stopTagged(targets, TERM_GRACE);
        targets.keySet().stream().map(ProcessHandle::pid).sorted().forEach(stopped::add);
        Set<String> surviving = new HashSet<>();
        // a survivor that no longer carries the tag is a reused pid: not what the entry was about
        left.stream().filter(handle -> OwnerTag.isCarriedBy(handle, targets.get(handle)))
                .forEach(handle -> surviving.add(targets.get(handle)));
        return surviving;
    }

    /** An entry this JVM holds the lock of while it sweeps it. */
    private record Claimed(Path file, LedgerEntry entry, FileChannel channel, FileLock lock) {
        void release() {
            try {
                channel.close(); // drops the lock
            } catch (IOException ignored) {
                // closing a file we only read
            }
        }
    }

    private static Optional<Claimed> claim(Path file) {
        FileChannel channel = null;
        try {
            // never through a link: the entry was checked by name, this opens it again
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            FileLock lock = channel.tryLock();
            if (lock == null || !Files.exists(file)) {
                channel.close();
                return Optional.empty(); // another JVM sweeps it right now, or just did
            }
            ByteBuffer content = ByteBuffer.allocate((int) Math.min(channel.size(), 64 * 1024));
            while (content.hasRemaining() && channel.read(content) > 0) {
                // read it all
            }
            LedgerEntry entry = LedgerEntry.parse(new String(content.array(), 0, content.position(),
                    StandardCharsets.UTF_8));
            return Optional.of(new Claimed(file, entry, channel, lock));
        } catch (NoSuchFileException | OverlappingFileLockException e) {
            closeQuietly(channel);
            return Optional.empty(); // swept by someone else meanwhile
        } catch (IOException e) {
            closeQuietly(channel);
            LOG.warn("managed-backend: dropping the unreadable ledger entry " + file + " of a dead "
                    + "test JVM: " + e.getMessage());
            Ledger.remove(file);
            return Optional.empty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to add
            }
        }
    }
}
