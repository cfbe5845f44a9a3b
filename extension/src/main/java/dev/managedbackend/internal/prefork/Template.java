package dev.managedbackend.internal.prefork;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
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
import dev.managedbackend.internal.os.ProcessGroups;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;
import dev.managedbackend.internal.os.Logs;

/**
 * One prefork template: a Python, launched by this JVM, that imported uvicorn and the app once and
 * forks a backend on request ({@code template.py} beside this class: the Python side and the
 * protocol). Its stdin and stdout are pipes to this JVM: requests go down, answers and the exit
 * codes of its children come up, read by a thread of its own. Its stdin reaching EOF (this JVM
 * died) ends it.
 *
 * <p>Crash safety as for any backend: it is registered with the crash guard before it is
 * launched, under a tag of its own ({@code <jvm pid>:<jvm start>:prefork-<n>}), in a session of
 * its own. Its children carry that same tag, since {@code /proc/<pid>/environ} shows the
 * environment of the exec, which a fork inherits, so the watchdog, the ledger sweep and the
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

    private final int number;
    private final String tag;
    private final Path log;
    private final Process process;
    private final CrashGuard.Registration registration;
    private final OutputStream requests;
    private final CompletableFuture<String> greeting = new CompletableFuture<>();
    private final Map<Integer, CompletableFuture<ForkedChild>> forks = new ConcurrentHashMap<>();
    /** Exit codes of its children, by pid, as it reported them. */
    private final Map<Long, Integer> exits = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> children = new ConcurrentHashMap<>();
    private final AtomicInteger requestIds = new AtomicInteger();
    private volatile boolean gone;
    private volatile long lastUsed = System.nanoTime();
    private boolean closed;

    private Template(int number, String tag, Path log, Process process, CrashGuard.Registration registration) {
        this.number = number;
        this.tag = tag;
        this.log = log;
        this.process = process;
        this.registration = registration;
        this.requests = process.getOutputStream();
    }

    /**
     * Launches a template for {@code spec} and waits until it has imported the app.
     *
     * @throws NoFork when it will not fork (what the app's import left behind, uvicorn options a
     *                forked server cannot honour, an import error, no {@code os.fork}), or did not
     *                finish importing within {@code importTimeout}; it is stopped then
     */
    static Template start(TemplateSpec spec, CrashGuard guard, Path logDir, Duration importTimeout) throws NoFork {
        if (SCRIPT == null) {
            throw new NoFork("the template script " + RESOURCE + " is missing from the classpath", true);
        }
        int number = SEQUENCE.incrementAndGet();
        String name = "prefork-" + number;
        String tag = OwnerTag.of(name);
        Path log = logDir.resolve(name + "-" + ProcessIdentity.selfPid() + ".log");
        List<String> argv = new ArrayList<>(List.of(spec.python().toString(), "-c", SCRIPT));
        argv.addAll(spec.arguments());
        List<String> shown = new ArrayList<>(List.of(spec.python().toString(), "-c", "<" + RESOURCE + ">"));
        shown.addAll(spec.arguments());
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.put(OwnerTag.VARIABLE, tag); // last: what its children carry too
        ProcessBuilder builder = new ProcessBuilder(argv).directory(spec.dir().toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Optional<List<String>> grouped = ProcessGroups.inOwnGroup(argv, spec.dir(), env);
        grouped.ifPresent(builder::command);
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, "[managed-backend] prefork template " + number + ": " + String.join(" ", shown)
                    + "  (in " + spec.dir() + ")" + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new NoFork("could not write the template's log " + log + ": " + e.getMessage(), true);
        }
        builder.redirectError(Redirect.appendTo(log.toFile()));
        // registered before the spawn: a JVM killed right after it must leave nothing either
        CrashGuard.Registration registration = guard.reserve(name, tag, shown);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            registration.close();
            throw new NoFork("could not run the template " + spec.python() + ": " + e.getMessage(), true);
        }
        // Its group is not given to the watchdog: nothing but the template is ever in it (its
        // children start sessions of their own), the watchdog finds it by its tag, and at EOF it
        // exits by itself, often before the watchdog looks; where nothing reaps orphans, a group
        // whose leader is such a zombie would count as unreadable and keep the ledger entries.
        registration.launched(process.toHandle(), false);
        long launched = System.nanoTime();
        Template template = new Template(number, tag, log, process, registration);
        template.listen();
        template.awaitImport(importTimeout);
        LOG.info(String.format("prefork template %d (pid %d) imported %s in %d ms (%s, log %s)",
                number, process.pid(), spec.arguments().get(0), Duration.ofNanos(System.nanoTime() - launched).toMillis(),
                spec.python(), log));
        return template;
    }

    private void awaitImport(Duration timeout) throws NoFork {
        String first;
        try {
            first = greeting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new NoFork("the template did not import the app within " + timeout.toSeconds() + " s (its log: "
                    + log + ")", true);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new NoFork("interrupted while the template imported the app", false);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
        if (first.startsWith("ready")) {
            return;
        }
        close();
        if (first.startsWith("nofork ")) {
            throw new NoFork(first.substring("nofork ".length()) + " (template log: " + log + ")", true);
        }
        throw new NoFork("the template exited" + process.onExit().thenApply(p -> " with code " + p.exitValue())
                .getNow("") + " before it had imported the app (its log: " + log + ")", true);
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
        if (gone) {
            throw new NoFork("its template (pid " + pid() + ") is gone", false);
        }
        String file = backendLog.toString();
        if (file.contains("\n")) {
            throw new NoFork("the log path " + file + " contains a line break", false);
        }
        int id = requestIds.incrementAndGet();
        CompletableFuture<ForkedChild> answer = new CompletableFuture<>();
        forks.put(id, answer);
        String request = "fork " + id + " " + port + " " + hex(portValue) + " " + hex(file) + "\n";
        synchronized (requests) {
            try {
                requests.write(request.getBytes(StandardCharsets.UTF_8));
                requests.flush();
            } catch (IOException e) {
                forks.remove(id);
                throw new NoFork("could not reach its template (pid " + pid() + "): " + e.getMessage(), false);
            }
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

    private void listen() {
        Thread reader = new Thread(this::read, "managed-backend prefork template " + number);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                answer(line);
            }
        } catch (IOException | RuntimeException e) {
            // the pipe broke: the template is gone, as at EOF
        } finally {
            gone = true;
            greeting.complete("gone");
            forks.values().forEach(f -> f.completeExceptionally(new NoFork("its template (pid " + pid()
                    + ") ended", false)));
            synchronized (exits) {
                exits.notifyAll();
            }
        }
    }

    private void answer(String line) {
        String[] words = line.split(" ", 3);
        switch (words[0]) {
            case "ready", "nofork" -> greeting.complete(line);
            case "forked" -> {
                CompletableFuture<ForkedChild> waiting = forks.remove(Integer.parseInt(words[1]));
                long pid = Long.parseLong(words[2]);
                children.put(pid, Boolean.TRUE);
                // taken at once: the template reaps the child only after this line, so this is it
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                if (waiting != null) {
                    if (handle.isPresent()) {
                        waiting.complete(new ForkedChild(this, handle.get()));
                    } else {
                        waiting.completeExceptionally(new NoFork("the forked backend (pid " + pid
                                + ") ended at once", false));
                    }
                }
            }
            case "failed" -> {
                CompletableFuture<ForkedChild> waiting = forks.remove(Integer.parseInt(words[1]));
                if (waiting != null) {
                    waiting.completeExceptionally(new NoFork("its template could not fork: "
                            + (words.length > 2 ? words[2] : "no reason given"), false));
                }
            }
            case "exited" -> {
                long pid = Long.parseLong(words[1]);
                synchronized (exits) {
                    exits.put(pid, Integer.parseInt(words[2]));
                    children.remove(pid);
                    exits.notifyAll();
                }
            }
            default -> {
                // not part of the protocol: ignored
            }
        }
    }

    /** The exit code the template reported for its child {@code pid}, or null. */
    Integer exitOf(long pid) {
        return exits.get(pid);
    }

    /** Waits up to {@code timeout} for the exit code of {@code pid}; null if none came (the template is gone). */
    Integer awaitExitOf(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (exits) {
            while (!exits.containsKey(pid) && !gone && System.nanoTime() < deadline) {
                try {
                    exits.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return exits.get(pid);
        }
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

    /** Whether none of its children runs (as far as it reported). */
    boolean isIdle() {
        return children.isEmpty();
    }

    long lastUsed() {
        return lastUsed;
    }

    /**
     * Stops it: EOF on its stdin, then the stop routine for what is still there. Its children are
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
        try {
            requests.close();
        } catch (IOException e) {
            // it is gone already
        }
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
