package dev.managedbackend.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The floor of prefork: the extension's own template.py, driven by hand from plain Java. It
 * imports sample-fastapi once; each round forks a backend, polls /health with a bare socket every
 * millisecond until the first 2xx, then SIGTERMs it and waits for the template to report its exit.
 */
final class RawFork implements Contender, AutoCloseable {

    private static final String SCRIPT = "/dev/managedbackend/internal/prefork/template.py";

    private final Process template;
    private final BufferedReader answers;
    private final OutputStream requests;
    private int requestIds;

    RawFork(Path python, Path appDir) throws IOException {
        String script;
        try (InputStream in = RawFork.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is not on the classpath");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ProcessBuilder builder = new ProcessBuilder(python.toString(), "-c", script, "app.main:app", "--host", "127.0.0.1")
                .directory(appDir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        template = builder.start();
        answers = new BufferedReader(new InputStreamReader(template.getInputStream(), StandardCharsets.UTF_8));
        requests = template.getOutputStream();
        String first = answers.readLine();
        if (first == null || !first.startsWith("ready")) {
            throw new IllegalStateException("the template did not get ready: " + first);
        }
    }

    /** @return {time to ready, time to stop} in nanoseconds */
    @Override
    public long[] run() throws Exception {
        int port = RawUvicorn.freePort();
        int id = ++requestIds;
        HexFormat hex = HexFormat.of();
        long start = System.nanoTime();
        requests.write(("fork " + id + " " + port + " " + hex.formatHex(Integer.toString(port).getBytes())
                + " " + hex.formatHex("/dev/null".getBytes()) + "\n").getBytes(StandardCharsets.UTF_8));
        requests.flush();
        String forked = answers.readLine(); // forked ID PID
        long pid = Long.parseLong(forked.split(" ")[2]);
        while (!RawUvicorn.healthy(port)) {
            Thread.sleep(1);
        }
        long ready = System.nanoTime() - start;
        long stopStart = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        for (String line = answers.readLine(); !line.startsWith("exited " + pid + " "); line = answers.readLine()) {
            // only this child runs
        }
        return new long[] {ready, System.nanoTime() - stopStart};
    }

    @Override
    public void close() throws IOException {
        requests.close(); // EOF: the template exits
        template.destroy();
    }
}
