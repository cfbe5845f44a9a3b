package dev.managedbackend.internal.prefork;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;

import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PrivateFiles;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessGroups;
import dev.managedbackend.internal.os.ProcessStopper;
import dev.managedbackend.internal.os.Logs;

/**
 * One prefork template: a Python, launched by this JVM, that imported uvicorn and the app once and
 * forks a backend on request ({@code template.py} beside this class: the Python side and the
 * protocol). Requests and answers go through a {@link ControlChannel} of its own, read by a
 * thread of its own; its stdout and stderr, which are the app's too, go to its log. The
 * channel's EOF (this JVM died, or closed it) ends it.
 *
 * <p>Crash safety as for any backend: it is registered with the crash guard before it is
 * launched, under a tag of its own ({@code <jvm pid>:<jvm start>:prefork-<n>}), in a session of
 * its own. Its children carry that same tag, since a process's environment as the OS shows it
 * ({@code /proc/<pid>/environ}, or {@code KERN_PROCARGS2} on macOS, which OSHI and {@code ps}
 * read) is that of the exec, which a fork inherits, so the watchdog, the ledger sweep and the
 * normal stop recognise them as this JVM's.
 */
public final class Template implements AutoCloseable {

    private static final Logger LOG = Logs.logger();
    private static final String RESOURCE = "template.py";
    /** The Python side, run as {@code python -c TEXT}: nothing is written to disk. */
    private static final String SCRIPT = load();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** A fork takes milliseconds; no answer by then means the template hangs. */
    private static final Duration FORK_ANSWER = Duration.ofSeconds(10);
    /** At EOF the template exits at once; after this it gets SIGTERM. */
    private static final Duration EOF_EXIT = Duration.ofMillis(500);
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);
    /** What of the import's output is copied into each backend's log; the rest stays in the template's. */
    private static final int IMPORT_OUTPUT_COPIED = 256 * 1024;

    private final int number;
    private final String tag;
    private final Path log;
    private final long importOutputFrom;
    private final String app;
    private final Process process;
    private final ControlChannel channel;
    private final CrashGuard.Registration registration;
    private final long launched = System.nanoTime();
    private final CompletableFuture<String> greeting = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Forks asked for and not answered yet, by request id; guarded by itself together with {@link #gone}. */
    private final Map<Integer, CompletableFuture<ForkedChild>> forks = new HashMap<>();
    /** Its children that run, as far as it reported, by pid. */
    private final Map<Long, ForkedChild> children = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    /** Starts that were handed this template and have not finished: it is in use even before they fork. */
    private final AtomicInteger users = new AtomicInteger();
    private volatile byte[] importOutput = new byte[0];
    private volatile boolean importOutputCut;
    private volatile boolean gone;
    private volatile boolean announceReady;
    private volatile long lastUsed = System.nanoTime();
    private boolean closed;

    private Template(int number, String tag, Path log, long importOutputFrom, String app, Process process,
            ControlChannel channel, CrashGuard.Registration registration) {
        this.number = number;
        this.tag = tag;
        this.log = log;
        this.importOutputFrom = importOutputFrom;
        this.app = app;
        this.process = process;
        this.channel = channel;
        this.registration = registration;
    }

    /**
     * Launches a template for {@code spec}; it goes on to import the app ({@link #awaitReady}).
     *
     * @throws NoFork when it could not be launched
     */
    static Template launch(TemplateSpec spec, CrashGuard guard, Path logDir) throws NoFork {
        if (SCRIPT == null) {
            throw new NoFork("the template script " + RESOURCE + " is missing from the classpath", true);
        }
        int number = SEQUENCE.incrementAndGet();
        String name = "prefork-" + number;
        String tag = OwnerTag.of(name);
        ControlChannel channel;
        try {
            channel = ControlChannel.open();
        } catch (IOException | UnsupportedOperationException e) {
            throw new NoFork("could not make the template's control socket: " + e, true);
        }
        List<String> argv = new ArrayList<>(List.of(spec.python().toString(), "-c", SCRIPT,
                channel.address().toString()));
        argv.addAll(spec.arguments());
        List<String> shown = new ArrayList<>(List.of(spec.python().toString(), "-c", "<" + RESOURCE + ">",
                channel.address().toString()));
        shown.addAll(spec.arguments());
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.put(OwnerTag.VARIABLE, tag); // last: what its children carry too
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.dir().toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Optional<List<String>> grouped = ProcessGroups.inOwnGroup(argv, spec.dir(), env, Optional.of(spec.python()));
        grouped.ifPresent(builder::command);
        long importOutputFrom;
        Path log;
        try {
            // like a backend's log: created new under a name no one can guess, in the private log folder
            PrivateFiles folder = PrivateFiles.in(logDir, "The backend log folder");
            log = folder.createUnpredictable(name + "-", ".log");
            try (OutputStream out = folder.append(log)) {
                out.write(("[managed-backend] prefork template " + number + ": " + String.join(" ", shown)
                        + "  (in " + spec.dir() + ")" + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
            }
            importOutputFrom = Files.size(log);
            folder.checkedForReopen(log);
        } catch (IOException | PrivateFolder.NotPrivate e) {
            channel.close();
            throw new NoFork("could not create the template's log in " + logDir + ": " + e.getMessage(), true);
        }
        // everything it and the app print goes to its log, as a cold start's goes to the backend's
        builder.redirectInput(Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        // registered before the spawn: a JVM killed right after it must leave nothing either
        CrashGuard.Registration registration = guard.reserve(name, tag, shown);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            registration.close();
            channel.close();
            throw new NoFork("could not run the template " + spec.python() + ": " + e.getMessage(), true);
        }
        // Its group is not given to the watchdog: nothing but the template is ever in it (its
        // children start sessions of their own), the watchdog finds it by its tag, and at EOF it
        // exits by itself, often before the watchdog looks; where nothing reaps orphans, a group
        // whose leader is such a zombie would count as unreadable and keep the ledger entries.
        registration.launched(process.toHandle(), false);
        Template template = new Template(number, tag, log, importOutputFrom, spec.arguments().get(0), process,
                channel, registration);
        process.onExit().thenRun(channel::stopAccepting); // it will not connect any more
        template.listen();
        return template;
    }

    /**
     * Waits up to {@code timeout} for it to have imported the app.
     *
     * @return false if it is still importing (it goes on; {@link #isReady()} tells when it has)
     * @throws NoFork (lasting) when it will not fork: what the app's import left behind, uvicorn
     *                options a forked server cannot honour, an import error, no {@code os.fork}, or
     *                it exited; it is stopped then
     */
    boolean awaitReady(Duration timeout) throws NoFork {
        String first;
        try {
            first = greeting.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            announceReady = true; // when it is ready after all, an INFO line says so
            return isReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoFork("interrupted while the template imported the app", false);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
        if (first.startsWith("ready")) {
            return true;
        }
        close();
        if (first.startsWith("nofork ")) {
            throw new NoFork(first.substring("nofork ".length()) + " (template log: " + log + ")", true);
        }
        throw new NoFork("the template exited" + process.onExit().thenApply(p -> " with code " + p.exitValue())
                .getNow("") + " before it had imported the app (its log: " + log + ")", true);
    }

    /** Whether it has imported the app and forks on request. */
    boolean isReady() {
        return greeting.getNow("").startsWith("ready") && isAlive();
    }

    /** How long since it was launched. */
    Duration age() {
        return Duration.ofNanos(System.nanoTime() - launched);
    }

    /** A start will use it: until {@link #release()}, it is not stopped to make room. */
    void reserve() {
        users.incrementAndGet();
        lastUsed = System.nanoTime();
    }

    /** The start that {@link #reserve() reserved} it has finished. */
    public void release() {
        users.decrementAndGet();
    }

    /**
     * Forks a backend: its uvicorn gets {@code --port port}, its environment {@code PORT=portValue},
     * its output goes to {@code backendLog}. Waits for the answer even when interrupted (a child
     * that exists must be known, so that it can be stopped), keeping the interrupt flag.
     *
     * @throws NoFork when the template is gone or could not fork: this start goes cold instead
     */
    public ForkedChild fork(int port, String portValue, Path backendLog) throws NoFork {
        lastUsed = System.nanoTime();
        String file = backendLog.toString();
        if (file.contains("\n")) {
            throw new NoFork("the log path " + file + " contains a line break", false);
        }
        int id = requestIds.incrementAndGet();
        CompletableFuture<ForkedChild> answer = new CompletableFuture<>();
        // with the reader's end under one lock: either it sees this request and fails it, or
        // this sees that it has ended; a request nobody will answer is never left waiting
        synchronized (forks) {
            if (gone) {
                throw new NoFork("its template (pid " + pid() + ") is gone", false);
            }
            forks.put(id, answer);
        }
        try {
            channel.send("fork " + id + " " + port + " " + hex(portValue) + " " + hex(file));
        } catch (IOException e) {
            synchronized (forks) {
                forks.remove(id);
            }
            throw new NoFork("could not reach its template (pid " + pid() + "): " + e.getMessage(), false);
        }
        return awaitFork(answer);
    }

    private ForkedChild awaitFork(CompletableFuture<ForkedChild> answer) throws NoFork {
        boolean interrupted = false;
        long deadline = System.nanoTime() + FORK_ANSWER.toNanos();
        try {
            while (true) {
                try {
                    return answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof NoFork noFork) {
                        throw noFork;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (TimeoutException e) {
                    close(); // a template that does not answer a fork is of no more use
                    throw new NoFork("its template (pid " + pid() + ") did not answer within "
                            + FORK_ANSWER.toSeconds() + " s", false);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What the app printed while the template imported it (its stdout and stderr, in order), as
     * it is at the start of a cold backend's log; at most {@value #IMPORT_OUTPUT_COPIED} bytes.
     */
    public byte[] importOutput() {
        return importOutput.clone();
    }

    /** Whether {@link #importOutput()} is all of it; else the rest is in {@link #log()}. */
    public boolean importOutputComplete() {
        return !importOutputCut;
    }

    private void listen() {
        Thread reader = new Thread(this::read, "managed-backend prefork template " + number);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            if (channel.accept()) {
                for (String line = channel.readLine(); line != null; line = channel.readLine()) {
                    answer(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the channel broke: the template is gone, as at EOF
        } finally {
            List<CompletableFuture<ForkedChild>> unanswered;
            synchronized (forks) {
                gone = true;
                unanswered = List.copyOf(forks.values());
                forks.clear();
            }
            channel.close(); // a template that still runs (it sent what we cannot read) ends at EOF
            greeting.complete("gone");
            unanswered.forEach(f -> f.completeExceptionally(new NoFork("its template (pid " + pid()
                    + ") ended", false)));
            ended.complete(null);
        }
    }

    private void answer(String line) {
        String[] words = line.split(" ", 3);
        switch (words[0]) {
            case "ready" -> {
                readImportOutput();
                if (announceReady) {
                    LOG.info(String.format("prefork template %d (pid %d) imported %s after all, in %d ms: "
                            + "its first backend had started cold; later ones fork from it (log %s)",
                            number, pid(), app, age().toMillis(), log));
                }
                greeting.complete(line);
            }
            case "nofork" -> greeting.complete(line);
            case "forked" -> {
                CompletableFuture<ForkedChild> waiting;
                synchronized (forks) {
                    waiting = forks.remove(Integer.parseInt(words[1]));
                }
                long pid = Long.parseLong(words[2]);
                // taken at once: the template reaps the child only after this line, so this is it
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                if (handle.isEmpty()) {
                    if (waiting != null) {
                        waiting.completeExceptionally(new NoFork("the forked backend (pid " + pid
                                + ") ended at once", false));
                    }
                    return;
                }
                // a new child: whatever an earlier child of this pid reported is not its own
                ForkedChild child = new ForkedChild(this, handle.get());
                children.put(pid, child);
                if (waiting != null) {
                    waiting.complete(child);
                }
            }
            case "failed" -> {
                CompletableFuture<ForkedChild> waiting;
                synchronized (forks) {
                    waiting = forks.remove(Integer.parseInt(words[1]));
                }
                if (waiting != null) {
                    waiting.completeExceptionally(new NoFork("its template could not fork: "
                            + (words.length > 2 ? words[2] : "no reason given"), false));
                }
            }
            case "exited" -> {
                ForkedChild child = children.remove(Long.parseLong(words[1]));
                if (child != null) {
                    child.exited(Integer.parseInt(words[2]));
                }
            }
            default -> {
                // not part of the protocol: ignored
            }
        }
    }

    /** The template flushed its output before it said ready: the log holds all the import printed. */
    private void readImportOutput() {
        try (FileChannel file = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = Math.max(0, file.size() - importOutputFrom);
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(size, IMPORT_OUTPUT_COPIED));
            while (bytes.hasRemaining() && file.read(bytes, importOutputFrom + bytes.position()) > 0) {
                // reads on
            }
            importOutput = Arrays.copyOf(bytes.array(), bytes.position());
            importOutputCut = size > bytes.position();
        } catch (IOException e) {
            importOutput = ("[managed-backend] could not read the template's log " + log + ": " + e.getMessage()
                    + System.lineSeparator()).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Completes once it has ended: no more reports will come. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    public long pid() {
        return process.pid();
    }

    /** The owner tag it and its children carry. */
    public String tag() {
        return tag;
    }

    /** Its own log: its command line, and what the app printed while it was imported. */
    public Path log() {
        return log;
    }

    boolean isAlive() {
        return !gone && process.isAlive();
    }

    /** Whether no start uses it and none of its children runs (as far as it reported). */
    boolean isIdle() {
        return users.get() == 0 && children.isEmpty();
    }

    long lastUsed() {
        return lastUsed;
    }

    /**
     * Stops it: EOF on its channel, then the stop routine for what is still there. Its children are
     * not touched: they are backends, stopped at the end of their scope.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        channel.close(); // EOF: it exits
        try {
            process.waitFor(EOF_EXIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessHandle root = process.toHandle();
        List<ProcessHandle> left = ProcessStopper.stopChild(process, tag, STOP_GRACE);
        if (left.isEmpty()) {
            registration.close();
        } else {
            LOG.warn("managed-backend: prefork template " + number + " (pid " + pid() + ") still runs "
                    + "after SIGKILL; its crash-ledger entry stays for the next sweep");
        }
    }

    @Override
    public String toString() {
        return "prefork template " + number + " (pid " + pid() + ")";
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String load() {
        try (InputStream in = Template.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
