package dev.managedbackend.internal.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The process table through POSIX {@code ps}, where there is no {@code /proc}: the one fact OSHI
 * does not give, each process's process group. By hand because no library reads process groups;
 * POSIX options only ({@code -A -o pid=,pgid=}), so it reads alike on macOS, the BSDs and Linux.
 * Every call is bounded in time.
 */
final class PosixPs {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private PosixPs() {
    }

    /** Every process's group: pid to pgid; empty if {@code ps} could not run or did not answer. */
    static Map<Long, Long> groups() {
        Map<Long, Long> groups = new HashMap<>();
        for (String line : run(List.of("ps", "-A", "-o", "pid=,pgid=")).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].matches("\\d+") && fields[1].matches("\\d+")) {
                groups.put(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
            }
        }
        return groups;
    }

    private static String run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return "";
        }
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            CompletableFuture<byte[]> text = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            byte[] bytes = text.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            process.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException | ExecutionException | TimeoutException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            process.destroyForcibly(); // a no-op once it has ended; a hung ps does not outlive the bound
        }
    }
}
