package dev.managedbackend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second local user, the attacker of the security tests: a real account ({@code useradd}, made
 * once and kept), whose commands run through {@code setpriv} with its uid, its gid and no other
 * groups. Only root can switch users, so these tests need root, as CI has; elsewhere they are
 * reported as skipped, never as passed.
 */
public final class OtherUser {

    public static final String NAME = "mb-attacker";
    /** A uid with no passwd entry, as {@code docker run --user 23456} gives. */
    public static final int UID_WITHOUT_PASSWD = 23456;

    private final int uid;
    private final int gid;

    private OtherUser(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    /** The second user, made if missing. */
    public static OtherUser get() throws IOException, InterruptedException {
        assumeTrue(isRoot(), "needs root, to make a second user and act as it (CI runs as root)");
        if (exec(List.of("id", "-u", NAME)).exitCode != 0) {
            Result made = exec(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    NAME));
            // another test JVM may be making it at the same moment (exit 9, or 10 while it holds /etc/passwd)
            if (made.exitCode != 0 && exec(List.of("id", "-u", NAME)).exitCode != 0) {
                throw new IllegalStateException("useradd " + NAME + " failed (" + made.exitCode + "): " + made.output
                        + "; make the user by hand (useradd --system " + NAME + ") and run the tests again");
            }
        }
        return new OtherUser(Integer.parseInt(exec(List.of("id", "-u", NAME)).output.strip()),
                Integer.parseInt(exec(List.of("id", "-g", NAME)).output.strip()));
    }

    /** For a uid that has no passwd entry. */
    public static OtherUser withoutPasswd() throws IOException, InterruptedException {
        assumeTrue(isRoot(), "needs root, to act as another uid (CI runs as root)");
        if (exec(List.of("getent", "passwd", Integer.toString(UID_WITHOUT_PASSWD))).exitCode == 0) {
            throw new IllegalStateException("uid " + UID_WITHOUT_PASSWD + " has a passwd entry here; pick another");
        }
        return new OtherUser(UID_WITHOUT_PASSWD, UID_WITHOUT_PASSWD);
    }

    public int uid() {
        return uid;
    }

    /** Hands {@code path} (not what a link points to) to this user. */
    public Path owns(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return path;
    }

    /** Runs {@code command} as this user, with {@code env} only (plus PATH), and waits for it (30 s at most). */
    public Result run(List<String> env, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "--", "env", "-i", "PATH=" + System.getenv("PATH")));
        argv.addAll(env);
        argv.addAll(List.of(command));
        return exec(argv);
    }

    public Result run(String... command) throws IOException, InterruptedException {
        return run(List.of(), command);
    }

    /** What a command printed (stdout and stderr) and how it ended. */
    public record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }

    private static Result exec(List<String> argv) throws IOException, InterruptedException {
        Path output = Files.createTempFile("other-user", ".out");
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(argv + " did not end within 30 s; output: " + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
