package dev.managedbackend.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Samples in milliseconds, summarised by their median (robust on a noisy 2-core machine). */
final class Stats {

    private final List<Double> millis = new ArrayList<>();

    void add(double value) {
        millis.add(value);
    }

    double median() {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return Collections.min(millis);
    }

    double max() {
        return Collections.max(millis);
    }

    int count() {
        return millis.size();
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
