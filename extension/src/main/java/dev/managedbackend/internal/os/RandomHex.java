package dev.managedbackend.internal.os;

import java.io.FileInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random bits as hex, for names no other user or JVM can guess (the JVM's identity, private
 * files). Read from the kernel's random source where there is one: what {@link SecureRandom}'s
 * default (NativePRNG) reads too, without the 35-65 ms its providers take to load on a JVM's
 * first backend start. {@link SecureRandom} elsewhere.
 */
final class RandomHex {

    private static final HexFormat HEX = HexFormat.of();

    private RandomHex() {
    }

    /** {@code bytes} random bytes, as {@code 2 * bytes} hex digits. */
    static String of(int bytes) {
        byte[] random = new byte[bytes];
        try (FileInputStream urandom = new FileInputStream("/dev/urandom")) {
            if (urandom.readNBytes(random, 0, bytes) != bytes) {
                throw new IOException("short read");
            }
        } catch (IOException | RuntimeException e) {
            Fallback.SOURCE.nextBytes(random);
        }
        return HEX.formatHex(random);
    }

    /** Made only where there is no /dev/urandom: seeding costs a few milliseconds. */
    private static final class Fallback {
        static final SecureRandom SOURCE = new SecureRandom();
    }
}
