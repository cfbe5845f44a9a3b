package dev.managedbackend.cli;

import java.time.Duration;
import java.time.Instant;

/** Durations as people read them: {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 10 min}, {@code 3 d 4 h}. */
final class Durations {

    private Durations() {
    }

    /** The time since {@code since}. */
    static String human(Instant since) {
        return human(Duration.between(since, Instant.now()));
    }

    static String human(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toSeconds() + " s";
    }
}
