package dev.managedbackend.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;

import dev.managedbackend.terminal.DetachedBackend;
import dev.managedbackend.terminal.HealthNow;
import dev.managedbackend.terminal.TerminalSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code status}: every backend {@code start} started, with its health right now. */
@Command(name = "status", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  managed-backend status",
                "  managed-backend status api --json"}, sortOptions = false,
        description = {"Lists the backends that start started: name, pid, URL, health now, uptime, log.",
                "Exit 0 when every backend listed is healthy, also when none runs; 1 when one is not healthy, or "
                        + "when the NAME asked for is not running."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Common common;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "only this backend")
    String name;

    @Option(names = "--json", description = "one JSON array, an object per backend")
    boolean json;

    /** One line of the report. */
    record Row(DetachedBackend backend, String state, HealthNow.Result health, Duration uptime) {
        boolean healthy() {
            return backend.alive() && health.healthy();
        }
    }

    @Override
    public Integer call() throws Exception {
        TerminalSettings settings = common.settings();
        List<DetachedBackend> found = DetachedLookup.all(settings.stateDir());
        List<DetachedBackend> asked = found.stream().filter(backend -> name == null || backend.name().equals(name))
                .toList();
        List<HealthNow.Result> healths = healthOf(asked);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            DetachedBackend backend = asked.get(i);
            rows.add(new Row(backend, backend.alive() ? "running" : "dead", healths.get(i),
                    Duration.between(backend.started(), Instant.now())));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(rows));
        } else if (rows.isEmpty()) {
            spec.commandLine().getErr().println("[managed-backend] " + (name == null ? "no backend that start started "
                    + "is running" : "no backend '" + name + "' is running"));
            spec.commandLine().getErr().flush();
        } else {
            table(rows, out);
        }
        out.flush();
        // none running is an answer, not a failure; a backend asked for by name that is missing is one
        boolean missing = rows.isEmpty() && name != null;
        return !missing && rows.stream().allMatch(Row::healthy) ? 0 : ManagedBackendCli.FAILURE;
    }

    /**
     * Each backend's health, asked of all at once: one thread per backend that runs (a probe is
     * bounded by its timeout), so three backends take as long as the slowest, not the sum.
     */
    private static List<HealthNow.Result> healthOf(List<DetachedBackend> backends) throws InterruptedException {
        List<CompletableFuture<HealthNow.Result>> probes = new ArrayList<>();
        ExecutorService threads = null;
        for (DetachedBackend backend : backends) {
            if (!backend.alive()) {
                probes.add(CompletableFuture.completedFuture(new HealthNow.Result(false, "not running: its process "
                        + backend.pid() + " is gone (managed-backend reap removes what is left of it)")));
                continue;
            }
            if (threads == null) {
                threads = Executors.newFixedThreadPool(backends.size(), probe -> {
                    Thread thread = new Thread(probe, "managed-backend status: health");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            probes.add(CompletableFuture.supplyAsync(() -> HealthNow.of(backend.url(), backend.healthPath()), threads));
        }
        try {
            List<HealthNow.Result> results = new ArrayList<>();
            for (CompletableFuture<HealthNow.Result> probe : probes) {
                results.add(probe.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause()); // HealthNow turns every failure into a result
        } finally {
            if (threads != null) {
                threads.shutdown();
            }
        }
    }

    private static void table(List<Row> rows, PrintWriter out) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"NAME", "PID", "URL", "HEALTH", "UPTIME", "LOG"});
        for (Row row : rows) {
            cells.add(new String[] {row.backend().name(), Long.toString(row.backend().pid()), row.backend().url(),
                    (row.healthy() ? "healthy (" : "UNHEALTHY (") + row.health().said() + ")",
                    Durations.human(row.uptime()), row.backend().logFile().toString()});
        }
        int[] widths = new int[cells.get(0).length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : cells) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private static String json(List<Row> rows) {
        StringBuilder json = new StringBuilder("[");
        for (Row row : rows) {
            DetachedBackend b = row.backend();
            json.append(json.length() > 1 ? ",\n " : "\n ").append('{')
                    .append("\"name\": ").append(Json.string(b.name()))
                    .append(", \"pid\": ").append(b.pid())
                    .append(", \"container\": null")
                    .append(", \"url\": ").append(Json.string(b.url()))
                    .append(", \"state\": ").append(Json.string(row.state()))
                    .append(", \"healthy\": ").append(row.healthy())
                    .append(", \"health\": ").append(Json.string(row.health().said()))
                    .append(", \"healthPath\": ").append(Json.string(b.healthPath()))
                    .append(", \"uptimeSeconds\": ").append(row.uptime().toSeconds())
                    .append(", \"started\": ").append(Json.string(b.started().toString()))
                    .append(", \"log\": ").append(Json.string(b.logFile().toString()))
                    .append('}');
        }
        return json.append(rows.isEmpty() ? "]" : "\n]").toString();
    }
}
