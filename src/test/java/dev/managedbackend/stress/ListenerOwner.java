package dev.managedbackend.stress;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/** Which process holds the listening socket of a port, read from /proc (test-side: a full scan is fine). */
final class ListenerOwner {

    private ListenerOwner() {
    }

    static OptionalLong of(int port) throws IOException {
        Set<String> sockets = new HashSet<>();
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(suffix) && f[3].equals("0A")) {
                    sockets.add("socket:[" + f[9] + "]");
                }
            }
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (sockets.contains(Files.readSymbolicLink(fd).toString())) {
                                return OptionalLong.of(Long.parseLong(proc.getFileName().toString()));
                            }
                        } catch (IOException closed) {
                            // gone meanwhile
                        }
                    }
                } catch (IOException gone) {
                    // exited
                }
            }
        }
        return OptionalLong.empty();
    }
}
