package dev.managedbackend.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Where readiness is decided: the backend has not exited, its port listens in a process (or
 * container) we started, and then {@code healthPath} answers 2xx. Polled with Awaitility every
 * few milliseconds, so readiness is noticed within a poll interval of the moment it happens.
 */
public final class ReadinessProbe {

    /** What the probe needs to know about the thing it waits for. */
    public interface Subject {
        /** The exit code once the backend has exited. */
        OptionalInt exitCode();

        /**
         * Whether its port listens and belongs to it: empty if so, else what was seen instead,
         * e.g. "port 23456 is not listening yet".
         */
        Optional<String> listenerProblem();
    }

    /** The backend exited before it was ready. */
    public static final class Exited extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Exited(int exitCode) {
            super("exited with code " + exitCode, null, false, false);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** The backend was not ready in time. */
    public static final class TimedOut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TimedOut(String lastSeen) {
            super(lastSeen, null, false, false);
        }

        /** The last status or exception seen, e.g. "GET http://...: HTTP 500". */
        public String lastSeen() {
            return getMessage();
        }
    }

    private final URI baseUrl;
    private final String healthPath;
    private volatile String lastSeen = "no poll finished yet";
    /** The last HTTP answer; kept apart so a final poll cut off by the deadline cannot hide it. */
    private volatile String lastAnswer;
    private boolean listening;

    public ReadinessProbe(URI baseUrl, String healthPath) {
        this.baseUrl = baseUrl;
        this.healthPath = healthPath;
    }

    /**
     * Blocks until ready.
     *
     * @throws Exited as soon as the subject exits
     * @throws TimedOut after {@code timeout}, with the last status seen
     */
    public void await(Subject subject, Duration timeout, Duration pollInterval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Awaitility.await("backend at " + baseUrl + " ready")
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(pollInterval)
                    .atMost(timeout)
                    .until(() -> isReady(subject, deadline));
        } catch (ConditionTimeoutException e) {
            subject.exitCode().ifPresent(code -> {
                throw new Exited(code);
            });
            throw new TimedOut(lastAnswer != null ? lastAnswer : lastSeen);
        }
    }

    private boolean isReady(Subject subject, long deadline) {
        OptionalInt exit = subject.exitCode();
        if (exit.isPresent()) {
            throw new Exited(exit.getAsInt());
        }
        if (!listening) {
            Optional<String> problem = subject.listenerProblem();
            if (problem.isPresent()) {
                lastSeen = problem.get();
                return false;
            }
            listening = true;
        }
        return healthPath.isEmpty() || healthAnswers2xx(deadline);
    }

    private boolean healthAnswers2xx(long deadline) {
        HttpUrl url = HttpUrl.get(baseUrl + healthPath);
        Call call = HealthClient.get().newCall(new Request.Builder().url(url)
                .header("Connection", "close").build());
        long remaining = Math.max(1, deadline - System.nanoTime());
        call.timeout().timeout(Math.min(remaining, Duration.ofSeconds(5).toNanos()),
                java.util.concurrent.TimeUnit.NANOSECONDS);
        try (Response response = call.execute()) {
            if (response.isSuccessful()) {
                return true;
            }
            String body = response.peekBody(300).string().strip();
            lastAnswer = "GET " + url + " last answered HTTP " + response.code()
                    + (body.isEmpty() ? "" : " " + body);
        } catch (InterruptedIOException e) {
            lastSeen = "GET " + url + " got no answer (timed out)";
        } catch (IOException e) {
            lastSeen = "GET " + url + " failed: " + e;
        }
        return false;
    }

    /** A listener check for when nothing better is known: does the port accept connections? */
    public static Optional<String> connectProblem(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("port " + port + " on " + host + " is not listening yet (" + e.getMessage() + ")");
        }
    }
}
