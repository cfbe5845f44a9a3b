package dev.managedbackend.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Processes still running that a given JVM started through managed-backend (tagged in their environment). */
final class LeftoverProcesses {

    private LeftoverProcesses() {
    }

    static List<Long> of(long ownerJvmPid) {
        String tag = "MANAGED_BACKEND_OWNER=" + ownerJvmPid + ":";
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
                    for (String entry : environ.split("\0")) {
                        if (entry.startsWith(tag)) {
                            found.add(Long.parseLong(proc.getFileName().toString()));
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // exited, or not ours to read
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }
}
