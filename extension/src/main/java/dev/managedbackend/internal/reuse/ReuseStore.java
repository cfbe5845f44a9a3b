package dev.managedbackend.internal.reuse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.BoundedLock;
import dev.managedbackend.internal.os.PrivateFiles;
import dev.managedbackend.internal.os.PrivateFolder;

/**
 * The folder {@code <stateDir>/reuse} (700, files 600, never through a link): per key (a hash of
 * the resolved spec) a lock, the record of the backend kept for it and its fingerprint's listing;
 * per backend (its reuse identity) the lease its keeper reads and the file the runs using it
 * hold a shared lock on.
 */
public final class ReuseStore {

    /** The keys this JVM is looking up or starting right now. */
    private static final Map<String, Semaphore> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final PrivateFiles files;

    private ReuseStore(PrivateFiles files) {
        this.files = files;
    }

    public static ReuseStore open(Path stateDir) throws PrivateFolder.NotPrivate {
        PrivateFolder.ensure(stateDir, "The managed-backend state folder (" + ManagedBackend.STATE_DIR_PROPERTY_NAME + ")");
        return new ReuseStore(PrivateFiles.in(stateDir.resolve("reuse"), "The reuse folder ("
                + ManagedBackend.STATE_DIR_PROPERTY_NAME + "/reuse)"));
    }

    public Path dir() {
        return files.dir();
    }

    /** The key of a resolved spec: a hash of its parts, in order. */
    public static String key(List<String> parts) {
        return ListHash.of(parts);
    }

    /**
     * Held while a run looks for the backend of {@code key} and, if it must, starts it: two runs at
     * once get one backend. An OS lock, so the kernel drops it if the run dies; within one JVM
     * (classes run in parallel) a semaphore per key comes first, since the OS lock belongs to the
     * whole JVM and a second one from it would fail rather than wait.
     */
    public AutoCloseable lock(String key, Duration wait, String what) throws IOException {
        Semaphore inThisJvm = IN_THIS_JVM.computeIfAbsent(key, k -> new Semaphore(1));
        try {
            if (!inThisJvm.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("waited " + wait.toSeconds() + " s for " + what + " in this JVM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + what);
        }
        try {
            AutoCloseable held = BoundedLock.holding(files.openShared(key + ".lock"), files.dir().resolve(key + ".lock"),
                    0, 1, wait, what);
            return () -> {
                try {
                    held.close();
                } finally {
                    inThisJvm.release();
                }
            };
        } catch (IOException | RuntimeException e) {
            inThisJvm.release();
            throw e;
        }
    }

    public Optional<ReuseRecord> read(String key) throws IOException {
        Optional<String> text = text(key + ".record");
        return text.isEmpty() ? Optional.empty() : Optional.of(ReuseRecord.parse(text.get()));
    }

    public Optional<Fingerprint> listing(String key) throws IOException {
        return text(key + ".files").map(text -> new Fingerprint(text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"))));
    }

    /** A file of this folder, if it exists; never through a link, never another user's. */
    private Optional<String> text(String name) throws IOException {
        Path file = files.dir().resolve(name);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(files.checkedForReopen(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public void write(String key, ReuseRecord record, Fingerprint fingerprint) throws IOException {
        files.replace(key + ".files", String.join("\n", fingerprint.lines()).getBytes(StandardCharsets.UTF_8));
        files.replace(key + ".record", record.format().getBytes(StandardCharsets.UTF_8));
    }

    /** Forgets the backend of {@code key}, if the record still names {@code id}. */
    public void forget(String key, String id) throws IOException {
        Optional<ReuseRecord> record = read(key);
        if (record.isPresent() && record.get().id().equals(id)) {
            Files.deleteIfExists(files.dir().resolve(key + ".record"));
            Files.deleteIfExists(files.dir().resolve(key + ".files"));
        }
    }

    /** The file the keeper of {@code id} reads: the epoch second its idle time runs out. */
    public Path lease(String id) {
        return files.dir().resolve(id + ".lease");
    }

    /**
     * Moves the end of {@code id}'s idle time to {@code idle} from now.
     *
     * @param root what the keeper needs once the backend is ready (its root, group and ledger
     *             entry: {@code IdleKeeper.rootWords}), or empty during its start
     */
    public void renew(String id, Duration idle, String root) throws IOException {
        long deadline = Math.floorDiv(System.currentTimeMillis() + idle.toMillis() + 999, 1000);
        files.replace(id + ".lease", (deadline + (root.isEmpty() ? "" : " " + root) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The epoch second at which {@code id}'s idle time runs out; empty without a lease (its keeper ended it). */
    public Optional<Long> deadline(String id) {
        try {
            return text(id + ".lease").map(text -> Long.parseLong(text.strip().split(" ")[0]));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Ends {@code id}'s lease and the files of its users: its keeper then ends too. */
    public void endLease(String id) throws IOException {
        Files.deleteIfExists(lease(id));
        Files.deleteIfExists(files.dir().resolve(id + ".use"));
    }

    /** The file on which each run that uses {@code id} holds a shared lock. */
    FileChannel openUse(String id) throws IOException {
        return files.openShared(id + ".use");
    }

    /**
     * An exclusive lock on {@code id}'s use file if no run holds it (then the caller may stop it);
     * empty while some run uses it.
     */
    public Optional<AutoCloseable> unused(String id) throws IOException {
        FileChannel channel = openUse(id);
        FileLock lock = tryExclusive(channel);
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        return Optional.of(() -> {
            lock.release();
            channel.close();
        });
    }

    private static FileLock tryExclusive(FileChannel channel) throws IOException {
        try {
            return channel.tryLock(0, 1, false);
        } catch (OverlappingFileLockException e) {
            return null; // this very JVM uses it
        }
    }
}
