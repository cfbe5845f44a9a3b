package dev.managedbackend.bench;

import java.nio.file.Path;
import java.util.Set;

import dev.managedbackend.internal.PortAllocator;

/** One of the JVMs of the cross-JVM pick benchmark: picks and releases ports for a while. */
public final class PortPickLoad {

    public static void main(String[] args) {
        PortAllocator allocator = PortAllocator.forStateDir(Path.of(args[0]));
        long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000L;
        long picks = 0;
        while (System.nanoTime() < end) {
            allocator.pick("127.0.0.1", 20000, 32767, Set.of()).close();
            picks++;
        }
        System.out.println(picks);
    }
}
