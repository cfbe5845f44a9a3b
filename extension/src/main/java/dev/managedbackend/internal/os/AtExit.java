package dev.managedbackend.internal.os;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The library's one JVM shutdown hook: what must happen when the JVM ends (System.exit, Ctrl-C,
 * SIGTERM; SIGKILL runs nothing, the crash guard's watchdog covers it), in a fixed order. The JVM
 * runs separate hooks at once and in no order, but an image built for this JVM can be removed only
 * after the containers made from it, so the work is split into {@link Phase phases} of one hook.
 */
public final class AtExit {

    /** The phases, in the order they run; the actions of one phase run at once. */
    public enum Phase {
        /** backends, prefork templates and given-up container starts stop; container sweeps finish */
        STOP,
        /** images built for this JVM are removed, once nothing runs from them */
        REMOVE_IMAGES
    }

    private static final Map<Phase, List<Action>> ACTIONS = new EnumMap<>(Phase.class);
    private static boolean installed;

    private AtExit() {
    }

    /** Runs {@code action} in {@code phase} when the JVM ends; {@code name} names its thread. */
    public static synchronized void run(Phase phase, String name, Runnable action) {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(AtExit::runAll, "managed-backend at exit"));
            installed = true;
        }
        ACTIONS.computeIfAbsent(phase, key -> new ArrayList<>()).add(new Action(name, action));
    }

    /**
     * Applies {@code action} to each of {@code items} on a thread of its own and waits for all: at the
     * JVM's end, stops should not wait for one another.
     */
    public static <T> void inParallel(Collection<T> items, Function<T, String> name, Consumer<T> action) {
        List<Thread> threads = items.stream()
                .map(item -> new Thread(() -> action.accept(item), "managed-backend " + name.apply(item))).toList();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void runAll() {
        for (Phase phase : Phase.values()) {
            List<Action> actions;
            synchronized (AtExit.class) {
                actions = List.copyOf(ACTIONS.getOrDefault(phase, List.of()));
            }
            inParallel(actions, Action::name, action -> {
                try {
                    action.body().run();
                } catch (RuntimeException e) {
                    // the JVM is going and there is no one to report to; the next phase still runs
                }
            });
        }
    }

    private record Action(String name, Runnable body) {
    }
}
