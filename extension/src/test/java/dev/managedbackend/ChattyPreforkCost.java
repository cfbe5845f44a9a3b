package dev.managedbackend;

import static dev.managedbackend.TestKit.DIR;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures prefork's time to ready for an app that prints at import ({@code apps.chatty}),
 * against a cold start of it; not a test (run it by hand, from {@code extension/} after
 * {@code mvn test-compile}, with {@code VIRTUAL_ENV} set):
 * {@code java -cp target/test-classes:target/classes:<deps> dev.managedbackend.ChattyPreforkCost [rounds [app]]}
 * ({@code app} is {@code apps.chatty:app} unless given, e.g. {@code apps.hello:app}, which prints nothing).
 *
 * <p>Time to ready is {@link BackendBuilder#start()} until it returns (the port answers and
 * {@code /health} is 2xx). The template is started before the rounds (its import is paid once per
 * JVM, and is not what a fork costs); the two alternate, which goes first flipping every round,
 * after warm-up rounds, and the medians are printed.
 */
public final class ChattyPreforkCost {

    private ChattyPreforkCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        String app = args.length > 1 ? args[1] : "apps.chatty:app";
        int warmup = 3;
        BackendBuilder forked = BackendBuilder.app(app).dir(DIR).prefork(Prefork.ON);
        BackendBuilder cold = BackendBuilder.app(app).dir(DIR).prefork(Prefork.OFF);
        List<Double> forkedMillis = new ArrayList<>();
        List<Double> coldMillis = new ArrayList<>();
        for (int round = 0; round < warmup + rounds; round++) {
            boolean forkedFirst = round % 2 == 0;
            double first = timeToReady(forkedFirst ? forked : cold);
            double second = timeToReady(forkedFirst ? cold : forked);
            if (round >= warmup) {
                forkedMillis.add(forkedFirst ? first : second);
                coldMillis.add(forkedFirst ? second : first);
            }
        }
        double f = median(forkedMillis);
        double c = median(coldMillis);
        System.out.printf(Locale.ROOT, "%s, %d rounds: prefork median %.1f ms (min %.1f, max %.1f); "
                + "cold median %.1f ms (min %.1f, max %.1f); cold / prefork %.1f%n", app, rounds, f,
                min(forkedMillis), max(forkedMillis), c, min(coldMillis), max(coldMillis), c / f);
    }

    private static double timeToReady(BackendBuilder builder) {
        long start = System.nanoTime();
        try (Backend backend = builder.start()) {
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
