package dev.managedbackend.internal.crash;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;


import dev.managedbackend.ManagedBackend;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.PrivateFiles;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.JvmIdentity;

/**
 * The folder {@code <stateDir>/ledger}: one small file per running backend of any test JVM of
 * this user, written when it starts and removed when it stops. What a crashed JVM left there is
 * what the next JVM's {@link LedgerSweep} cleans up. Owner-only (folder 700, files 600), inside
 * the state folder that is owner-only too, so no other user can read or plant entries; an entry
 * that is a link or that another user owns is ignored with a warning.
 */
final class Ledger {

    /** A half-written entry (its writer died between write and rename) is dropped after this. */
    private static final Duration STALE_PARTIAL = Duration.ofMinutes(10);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path dir;
    private final PrivateFiles files;

    private Ledger(PrivateFiles files) {
        this.dir = files.dir();
        this.files = files;
    }

    /**
     * The ledger inside {@code stateDir}, created owner-only if needed; both folders must be
     * private to this user (see {@link PrivateFolder}).
     */
    static Ledger open(Path stateDir) throws PrivateFolder.NotPrivate {
        String what = "The managed-backend state folder (" + ManagedBackend.STATE_DIR_PROPERTY_NAME + ")";
        PrivateFolder.ensure(stateDir, what);
        return new Ledger(PrivateFiles.in(stateDir.resolve("ledger"), "The crash ledger (" + ManagedBackend.STATE_DIR_PROPERTY_NAME
                + "/ledger)"));
    }

    Path dir() {
        return dir;
    }

    /** This JVM's entries are named {@code <prefix><n>.entry}. */
    static String ownPrefix() {
        return LedgerEntry.ownerPrefix(JvmIdentity.self());
    }

    /**
     * Writes an entry of this JVM; it appears whole or not at all, created new (mode 600, never
     * through a planted link) under a temporary name and renamed, after the folder's identity
     * is checked again ({@link PrivateFiles}).
     */
    Path write(LedgerEntry entry) throws IOException {
        return write(ownPrefix() + SEQUENCE.incrementAndGet() + LedgerEntry.SUFFIX, entry);
    }

    /** Replaces an entry of this JVM, as a whole (what a reader sees is the old or the new one). */
    void rewrite(Path existing, LedgerEntry entry) throws IOException {
        write(existing.getFileName().toString(), entry);
    }

    private Path write(String name, LedgerEntry entry) throws IOException {
        return files.replace(name, entry.format().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Hands an entry of this JVM over to the backend it names ({@link LedgerEntry#detach}): first
     * its content is replaced (its name still says this JVM owns it), then it is renamed to the
     * name that makes the backend its owner. Each step is one rename(2), so at every instant
     * exactly one entry exists and it has a live owner: no sweep can take it for a dead JVM's.
     *
     * @return the entry's new path
     */
    Path detach(Path existing, LedgerEntry detached) throws IOException {
        rewrite(existing, detached);
        files.checkIdentity();
        File target = new File(dir.toFile(), detached.detachedName());
        if (!existing.toFile().renameTo(target)) {
            throw new IOException("could not rename " + existing + " to " + target);
        }
        return target.toPath();
    }

    /** The entries of detached backends, alive or not (by their names: nothing else is opened). */
    List<Path> detachedEntries() throws IOException {
        String[] names = dir.toFile().list();
        if (names == null) {
            throw new IOException("cannot list " + dir);
        }
        List<Path> detached = new ArrayList<>();
        for (String name : names) {
            Path file = dir.resolve(name);
            if (LedgerEntry.isDetachedName(file) && PrivateFolder.untrustedEntry(file).isEmpty()) {
                detached.add(file);
            }
        }
        return detached;
    }

    /** Reads an entry. */
    static LedgerEntry read(Path entry) throws IOException {
        return LedgerEntry.parse(Files.readString(entry, StandardCharsets.UTF_8));
    }

    /** Removes an entry; one that cannot be removed is left to the next sweep, which sees its owner's fate. */
    static void remove(Path entry) {
        entry.toFile().delete();
    }

    /**
     * The entries whose owner is dead, grouped by owner. Reads only file names and, per owner,
     * its {@code /proc/<pid>/stat}: no entry of a live owner is opened, no process table scanned.
     */
    Map<LedgerEntry.Owner, List<Path>> deadOwners() throws IOException {
        Map<LedgerEntry.Owner, List<Path>> dead = new HashMap<>();
        Map<LedgerEntry.Owner, Boolean> alive = new HashMap<>();
        String[] names = dir.toFile().list();
        if (names == null) {
            throw new IOException("cannot list " + dir);
        }
        for (String name : names) {
            Path file = dir.resolve(name);
            Optional<String> untrusted = PrivateFolder.untrustedEntry(file);
            if (untrusted.isPresent()) {
                // not written by this user's test JVMs: never acted on, never deleted
                Logs.logger().warn("managed-backend: ignoring the ledger entry " + file + ": it "
                        + untrusted.get());
                continue;
            }
            Optional<LedgerEntry.Owner> owner = LedgerEntry.ownerOf(file);
            if (owner.isEmpty()) {
                dropIfStalePartial(file);
                continue;
            }
            if (!alive.computeIfAbsent(owner.get(), LedgerEntry.Owner::isAlive)) {
                dead.computeIfAbsent(owner.get(), o -> new ArrayList<>()).add(file);
            }
        }
        return dead;
    }

    private static void dropIfStalePartial(Path file) {
        if (!file.getFileName().toString().endsWith(".partial")) {
            return;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.toInstant().isBefore(Instant.now().minus(STALE_PARTIAL))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // gone already
        }
    }
}
