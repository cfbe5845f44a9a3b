package dev.managedbackend.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.constraint.AtMostWaitConstraint;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.PredicateExceptionIgnorer;
import org.awaitility.pollinterval.PollInterval;

/**
 * Where readiness is decided: the backend has not exited, its port listens in a process (or
 * container) we started, and then {@code healthPath} answers 2xx (following redirects within the
 * backend, such as FastAPI's 307 to the trailing-slash route).
 *
 * <p>Until the port listens, and while {@code healthPath} gets no answer, it polls every
 * {@code pollInterval}, so readiness is noticed within milliseconds of the moment it happens.
 * Once the app answers but is not ready, polls back off to one every {@link #BACKOFF_CAP}: each is a
 * line in the app's access log. A path that answers 404 for {@link #NOT_FOUND_LIMIT} is taken for a
 * wrong {@code healthPath} and fails the start at once.
 */
public final class ReadinessProbe {

    /** The slowest poll while the app answers but is not ready: at most two log lines a second. */
    static final Duration BACKOFF_CAP = Duration.ofMillis(500);
    /** Routes exist once uvicorn listens, so a 404 that lasts this long is not going away. */
    static final Duration NOT_FOUND_LIMIT = Duration.ofSeconds(3);
    /**
     * The first polls come after 1, 2, 4 and 8 ms, then every {@code pollInterval}: a backend forked
     * from a prefork template listens some 15 ms after the fork, a cold one hundreds of
     * milliseconds later, for which a few more refused connects cost nothing.
     */
    private static final int FIRST_POLLS = 4;
    /** Keys of the "paths" object of an OpenAPI document whose first operation is a GET. */
    private static final Pattern OPENAPI_GET_PATH = Pattern.compile("\"(/[^\"]*)\"\\s*:\\s*\\{\\s*\"get\"");

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

    /**
     * {@code healthPath} kept answering 404: the message says so and what to do, to follow the
     * backend's description ("backend 'x' (...) ").
     */
    public static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The waiting thread was interrupted (its interrupt flag is set again). */
    public static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    private final URI baseUrl;
    private final String healthPath;
    private volatile String lastSeen = "no poll finished yet";
    /** The last HTTP answer; kept apart so a final poll cut off by the deadline cannot hide it. */
    private volatile String lastAnswer;
    private volatile boolean answered;
    private boolean listening;
    private long notFoundSince;

    /** Whose words its messages use: taken where the start was asked for (polls may run on another thread). */
    private final Caller caller = Caller.current();

    public ReadinessProbe(URI baseUrl, String healthPath) {
        this.baseUrl = baseUrl;
        this.healthPath = healthPath;
    }

    /**
     * Blocks until ready.
     *
     * @throws Exited      as soon as the subject exits
     * @throws NotFound    once {@code healthPath} has answered 404 for {@link #NOT_FOUND_LIMIT}
     * @throws TimedOut    after {@code timeout}, with the last status seen
     * @throws Interrupted at once when the thread is interrupted
     */
    public void await(Subject subject, Duration timeout, Duration pollInterval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            waiting(timeout, pollInterval).until(() -> isReady(subject, deadline));
        } catch (ConditionTimeoutException e) {
            subject.exitCode().ifPresent(code -> {
                throw new Exited(code);
            });
            throw new TimedOut(lastAnswer != null ? lastAnswer : lastSeen);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) { // Awaitility rethrows an interrupt as a raw InterruptedException
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new Interrupted();
            }
            throw new IllegalStateException(e);
        }
    }

    /**
     * Built from nothing but our own values: {@code Awaitility.await()} would take the user's
     * global defaults (ignored exceptions would turn "exited" into a timeout, a default poll delay
     * would slow every start).
     */
    private ConditionFactory waiting(Duration timeout, Duration pollInterval) {
        PollInterval backoff = (count, previous) -> answered
                ? min(BACKOFF_CAP, max(pollInterval, previous.multipliedBy(2)))
                : count <= FIRST_POLLS ? min(pollInterval, Duration.ofMillis(1L << (count - 1))) : pollInterval;
        return new ConditionFactory("backend at " + baseUrl + " ready", AtMostWaitConstraint.TEN_SECONDS, backoff,
                Duration.ZERO, false, new PredicateExceptionIgnorer(e -> false), null, null, null)
                .atMost(timeout)
                .pollInSameThread();
    }

    private boolean isReady(Subject subject, long deadline) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Interrupted();
        }
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
        URI url = URI.create(baseUrl + healthPath); // checked by SpecReader
        try {
            for (int redirects = 0; ; redirects++) {
                HttpResponse<String> response = get(url, deadline);
                if (response.statusCode() / 100 == 2) {
                    return true;
                }
                URI target = BackendRedirects.target(url, response);
                if (target != null && redirects < BackendRedirects.MAX) {
                    url = target; // within the backend: followed
                    continue;
                }
                recordAnswer(url, response);
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interrupted();
        } catch (HttpTimeoutException e) {
            lastSeen = "GET " + url + " got no answer (timed out)";
        } catch (IOException e) {
            lastSeen = "GET " + url + " failed: " + e;
        }
        return false;
    }

    private static HttpResponse<String> get(URI url, long deadline) throws IOException, InterruptedException {
        long remaining = Math.max(1, deadline - System.nanoTime());
        return HealthClient.get(url, Duration.ofNanos(Math.min(remaining, Duration.ofSeconds(5).toNanos())));
    }

    private void recordAnswer(URI url, HttpResponse<String> response) {
        answered = true;
        String body = abbreviate(response.body().strip(), 300);
        String location = BackendRedirects.isRedirect(response) ? response.headers().firstValue("Location").orElse(null) : null;
        lastAnswer = "GET " + url + " last answered HTTP " + response.statusCode()
                + (location != null ? " redirecting to " + location + ", which is not this backend, so not followed"
                        : body.isEmpty() ? "" : " " + body);
        if (response.statusCode() != 404) {
            notFoundSince = 0;
            return;
        }
        long now = System.nanoTime();
        if (notFoundSince == 0) {
            notFoundSince = now;
        } else if (now - notFoundSince >= NOT_FOUND_LIMIT.toNanos()) {
            throw new NotFound("answered GET " + url + " with HTTP 404 for " + NOT_FOUND_LIMIT.toSeconds()
                    + " s after its port began to listen: " + caller.setting("healthPath", healthPath)
                    + " is probably wrong."
                    + knownPaths(url).map(paths -> " The app's /openapi.json lists GET " + paths + ".").orElse("")
                    + " Set " + caller.name("healthPath") + " to a path that answers 2xx once the app is ready, or to "
                    + caller.example("healthPath", "") + " to wait only until the port listens.");
        }
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** The GET paths the app's OpenAPI document lists (FastAPI serves one), as a hint. */
    private Optional<String> knownPaths(URI url) {
        URI openApi = url.resolve("/openapi.json");
        try {
            HttpResponse<String> response = get(openApi, System.nanoTime() + Duration.ofSeconds(1).toNanos());
            if (response.statusCode() / 100 != 2) {
                return Optional.empty();
            }
            Set<String> paths = new LinkedHashSet<>();
            Matcher matcher = OPENAPI_GET_PATH.matcher(abbreviate(response.body(), 100_000));
            while (matcher.find() && paths.size() < 10) {
                paths.add(matcher.group(1));
            }
            return paths.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", paths));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
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
