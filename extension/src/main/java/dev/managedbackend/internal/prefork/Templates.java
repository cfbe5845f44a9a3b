package dev.managedbackend.internal.prefork;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.ProcessIdentity;

/**
 * This JVM's templates: one per {@link TemplateSpec}, started on first use and kept until the JVM
 * ends (a shutdown hook stops them). Why a spec cannot be forked from (its template said so, or
 * never got ready) is remembered, so later backends of the spec start cold at once. At most
 * {@value #MAX_RUNNING} templates run at a time (each is a Python holding the app): to make room,
 * the one used longest ago whose backends have all ended is stopped.
 */
public final class Templates {

    static final int MAX_RUNNING = 8;

    private static final Map<TemplateSpec, Slot> SLOTS = new ConcurrentHashMap<>();
    private static volatile boolean hookInstalled;

    private Templates() {
    }

    /**
     * The template for {@code spec}, started (and waited for, at most {@code importTimeout}) if
     * none runs; concurrent callers for one spec share one start.
     *
     * @throws NoFork why a backend of {@code spec} starts cold instead
     */
    public static Template get(TemplateSpec spec, CrashGuard guard, Path logDir, Duration importTimeout)
            throws NoFork {
        if (!ProcessIdentity.hasProc()) {
            throw new NoFork("this platform has no /proc, by which forked backends are recognised as this JVM's",
                    true);
        }
        return SLOTS.computeIfAbsent(spec, key -> new Slot()).get(spec, guard, logDir, importTimeout);
    }

    /** For tests: the pids of the templates running now. */
    public static Set<Long> pids() {
        return SLOTS.values().stream().map(Slot::running).flatMap(Optional::stream).map(Template::pid)
                .collect(Collectors.toSet());
    }

    private static void makeRoom() {
        List<Template> running = SLOTS.values().stream().map(Slot::running).flatMap(Optional::stream)
                .sorted(Comparator.comparingLong(Template::lastUsed)).toList();
        int left = running.size();
        for (Template oldest : running) {
            if (left < MAX_RUNNING) {
                return;
            }
            if (oldest.isIdle()) {
                oldest.close();
                left--;
            }
        }
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (Templates.class) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(new Thread(Templates::stopAll, "managed-backend prefork stop"));
                hookInstalled = true;
            }
        }
    }

    /**
     * Stops every template now, in parallel (the shutdown hook does it when the JVM ends); the
     * next backend of a spec starts a new one. For benchmarks that measure a run from scratch.
     */
    public static void stopAll() {
        List<Thread> stoppers = SLOTS.values().stream().map(Slot::running).flatMap(Optional::stream)
                .map(template -> new Thread(template::close, "managed-backend stop " + template)).toList();
        stoppers.forEach(Thread::start);
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The template of one spec, or the lasting reason it has none. */
    private static final class Slot {
        private volatile Template template;
        private NoFork lasting;

        Optional<Template> running() {
            Template current = template;
            return current != null && current.isAlive() ? Optional.of(current) : Optional.empty();
        }

        synchronized Template get(TemplateSpec spec, CrashGuard guard, Path logDir, Duration importTimeout)
                throws NoFork {
            if (lasting != null) {
                throw lasting;
            }
            if (template != null && template.isAlive()) {
                return template;
            }
            if (template != null) {
                template.close(); // it died: its registration goes, a new one takes its place
                template = null;
            }
            installHook();
            makeRoom();
            try {
                template = Template.start(spec, guard, logDir, importTimeout);
                return template;
            } catch (NoFork e) {
                if (e.lasting()) {
                    lasting = e;
                }
                throw e;
            }
        }
    }
}
