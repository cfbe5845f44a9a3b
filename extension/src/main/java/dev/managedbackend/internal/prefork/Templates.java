package dev.managedbackend.internal.prefork;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.os.AtExit;
import dev.managedbackend.internal.os.HostFacts;

/**
 * This JVM's templates: one per {@link TemplateSpec}, started on first use and kept until the JVM
 * ends (a shutdown hook stops them). Why a spec cannot be forked from (its template said so, or
 * exited) is remembered, so later backends of the spec start cold at once; a template that is
 * merely slow to import is not given up: that start goes cold, and later ones fork once it is
 * ready. At most {@value #MAX_RUNNING} templates run at a time (each is a Python holding the
 * app): to make room, the one used longest ago that no start holds and whose backends have all
 * ended is stopped, under its own slot's lock.
 */
public final class Templates {

    static final int MAX_RUNNING = 8;

    private static final Map<TemplateSpec, Slot> SLOTS = new ConcurrentHashMap<>();
    private static volatile int limit = MAX_RUNNING;

    static {
        AtExit.run(AtExit.Phase.STOP, "stop prefork templates", Templates::stopAll);
    }

    private Templates() {
    }

    /**
     * The template for {@code spec}, ready to fork, and reserved for the caller until it calls
     * {@link Template#release()}: it is not stopped to make room meanwhile. Started (and waited for,
     * at most {@code importTimeout}) if none runs; concurrent callers for one spec share one start.
     * A template still importing from an earlier start that gave up on it is not waited for.
     *
     * @throws NoFork why a backend of {@code spec} starts cold instead
     */
    public static Template get(TemplateSpec spec, CrashGuard guard, Path logDir, Duration importTimeout)
            throws NoFork {
        if (!HostFacts.hasFork()) {
            throw new NoFork("this platform cannot fork processes", true);
        }
        return SLOTS.computeIfAbsent(spec, key -> new Slot()).get(spec, guard, logDir, importTimeout);
    }

    /** For tests: the pids of the templates running now, importing or ready. */
    public static Set<Long> pids() {
        return SLOTS.values().stream().map(Slot::running).flatMap(Optional::stream).map(Template::pid)
                .collect(Collectors.toSet());
    }

    /** For tests: sets how many templates may run at once; returns the limit it replaces. */
    static int limit(int running) {
        int previous = limit;
        limit = running;
        return previous;
    }

    /**
     * Stops idle templates of other slots, oldest use first, until fewer than the limit run. A
     * slot whose lock is held (a start is getting its template) is in use and skipped: never
     * waiting for another slot's lock is also what keeps two slots making room from deadlocking.
     */
    private static void makeRoom(Slot starting) {
        List<Slot> others = SLOTS.values().stream().filter(slot -> slot != starting)
                .filter(slot -> slot.running().isPresent())
                .sorted(Comparator.comparingLong(slot -> slot.running().map(Template::lastUsed).orElse(Long.MAX_VALUE)))
                .toList();
        int left = others.size();
        for (Slot oldest : others) {
            if (left < limit) {
                return;
            }
            if (oldest.stopIfIdle()) {
                left--;
            }
        }
    }

    /**
     * Stops every template now, in parallel (the shutdown hook does it when the JVM ends); the
     * next backend of a spec starts a new one. For benchmarks that measure a run from scratch.
     */
    public static void stopAll() {
        // without the slots' locks: at the JVM's end a start may hold one while a template imports
        AtExit.inParallel(SLOTS.values().stream().map(Slot::running).flatMap(Optional::stream).toList(),
                template -> "stop " + template, Template::close);
    }

    /** The template of one spec, or the lasting reason it has none. */
    private static final class Slot {
        private final ReentrantLock lock = new ReentrantLock();
        /** Written under the lock; read without it by {@link #running()}. */
        private volatile Template template;
        private NoFork lasting;

        Optional<Template> running() {
            Template current = template;
            return current != null && current.isAlive() ? Optional.of(current) : Optional.empty();
        }

        Template get(TemplateSpec spec, CrashGuard guard, Path logDir, Duration importTimeout) throws NoFork {
            lock.lock();
            try {
                if (lasting != null) {
                    throw lasting;
                }
                if (template != null && !template.isAlive()) {
                    template.close(); // it died: its registration goes, a new one takes its place
                    template = null;
                }
                boolean launched = template == null;
                Template current;
                boolean ready;
                try {
                    if (launched) {
                        makeRoom(this);
                        template = Template.launch(spec, guard, logDir);
                    }
                    current = template;
                    // a template an earlier start gave up on may import for ever: not waited for again
                    ready = current.awaitReady(launched ? importTimeout : Duration.ZERO);
                } catch (NoFork e) {
                    if (e.lasting()) {
                        lasting = e;
                        template = null;
                    }
                    throw e;
                }
                if (!ready) {
                    throw launched
                            ? new NoFork("the template did not import the app within " + importTimeout.toSeconds()
                                    + " s; it goes on importing, and later backends fork from it once it has (its "
                                    + "log: " + current.log() + ")", false)
                            : new NoFork("its template (pid " + current.pid() + ") is still importing the app, "
                                    + current.age().toSeconds() + " s after it was launched (its log: "
                                    + current.log() + ")", false);
                }
                current.reserve();
                return current;
            } finally {
                lock.unlock();
            }
        }

        /** Stops its template if no start holds this slot or the template and no backend of it runs. */
        boolean stopIfIdle() {
            if (!lock.tryLock()) {
                return false;
            }
            try {
                Template current = template;
                if (current == null || !current.isIdle()) {
                    return false;
                }
                current.close();
                template = null;
                return true;
            } finally {
                lock.unlock();
            }
        }
    }
}
