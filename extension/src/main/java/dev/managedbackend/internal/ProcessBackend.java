package dev.managedbackend.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.slf4j.Logger;

import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.ListeningSockets;
import dev.managedbackend.internal.os.Logs;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;

/**
 * A backend that runs as a local process tree rooted at the process we launched, or that a
 * prefork template forked for us (which, where setsid exists, also leads a process group of its
 * own: {@code pgid > 0}).
 */
final class ProcessBackend implements LaunchedBackend, ReadinessProbe.Subject {

    private static final Logger LOG = Logs.logger();

    private final String name;
    private final RootProcess root;
    private final LaunchCommand command;
    private final int port;
    private final PortLease lease;
    private final LogFile log;
    private final Duration stopTimeout;
    private final long pgid;
    private final String tag;
    private final CrashGuard.Registration crashGuard;
    private volatile boolean closed;

    ProcessBackend(String name, RootProcess root, LaunchCommand command, int port, PortLease lease,
            LogFile log, Duration stopTimeout, long pgid, String tag, CrashGuard.Registration crashGuard) {
        this.name = name;
        this.root = root;
        this.command = command;
        this.port = port;
        this.lease = lease;
        this.log = log;
        this.stopTimeout = stopTimeout;
        this.pgid = pgid;
        this.tag = tag;
        this.crashGuard = crashGuard;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUrl() {
        return BaseUrls.of(host(), port);
    }

    @Override
    public String host() {
        return command.connectHost();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(root.handle().pid());
    }

    @Override
    public Optional<String> containerId() {
        return Optional.empty();
    }

    @Override
    public Path logFile() {
        return log.path();
    }

    LogFile log() {
        return log;
    }

    @Override
    public boolean isRunning() {
        return root.isRunning();
    }

    @Override
    public OptionalInt exitCode() {
        return root.exitCode();
    }

    /** Whether a prefork template forked it (rather than the JVM launching it). */
    boolean isForked() {
        return !root.isHeld();
    }

    @Override
    public Optional<String> listenerProblem() {
        // A refused connect is the cheapest possible poll while the app is still importing; the
        // ownership check (/proc, or OSHI's socket table) runs only once something accepts connections.
        Optional<String> notListening = ReadinessProbe.connectProblem(host(), port);
        if (notListening.isPresent()) {
            return notListening;
        }
        return switch (ListeningSockets.of(port, root.handle())) {
            case OURS -> Optional.empty();
            case NONE -> Optional.of("port " + port + " accepted a connection but has no listening socket");
            case FOREIGN -> Optional.of("port " + port + " is held by a process the extension did "
                    + "not start; waiting for our backend to bind it");
        };
    }

    @Override
    public void close() {
        stop(stopTimeout);
    }

    @Override
    public synchronized void detach(String healthPath) {
        if (closed) {
            throw new IllegalStateException(this + " was stopped; it cannot be detached");
        }
        crashGuard.detach(baseUrl().toString(), healthPath, log.path());
        closed = true;
        LiveBackends.remove(this);
        // from now on the server's own listening socket keeps the port from other JVMs: they lease
        // only ports they can bind, and a fixed port that is taken fails naming its holder
        lease.close();
    }

    /** Stops the tree, giving it {@code grace} after SIGTERM before SIGKILL. */
    synchronized void stop(Duration grace) {
        if (closed) {
            return;
        }
        List<ProcessHandle> survivors = List.of();
        try {
            survivors = ProcessStopper.stopTree(root.handle(), root.isHeld(), pgid, tag, grace);
        } finally {
            closed = true;
            LiveBackends.remove(this);
            if (survivors.isEmpty()) {
                root.awaitReaped();
                crashGuard.close();
                lease.close();
            } else {
                // no silent survivors: the ledger entry, the watchdog's registration and the port
                // lease stay, so the watchdog or the next sweep finishes the job
                LOG.warn("managed-backend: backend '" + name + "' was stopped, but "
                        + survivors.stream().map(p -> p.pid() + p.info().command().map(c -> " (" + c + ")").orElse(""))
                                .toList()
                        + " still run: stuck after SIGKILL, or not provably its own (no " + OwnerTag.VARIABLE
                        + " tag), so left alone. Its crash-ledger entry stays for the next sweep.");
            }
        }
    }

    @Override
    public String toString() {
        return "backend '" + name + "' (pid " + root.handle().pid() + ", " + baseUrl() + ")";
    }
}
