package dev.managedbackend.internal.reuse;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A 128-bit hash of a list of strings (two 64-bit FNV-1a with different offsets, each part
 * prefixed by its length, so no two lists hash alike by shifting a boundary), for the key of a
 * spec and the fingerprint of a listing. Written by hand because {@code MessageDigest}'s first use
 * in a JVM loads the security providers: 35-85 ms measured here, on a path whose whole budget is
 * about 20 ms. Not against an attacker: the state folder is private, and a listing is compared in
 * full before a backend is reused.
 */
final class ListHash {

    private static final long PRIME = 0x100000001b3L;

    private ListHash() {
    }

    static String of(Iterable<String> parts) {
        long a = 0xcbf29ce484222325L;
        long b = 0x84222325cbf29ce4L;
        for (String part : parts) {
            byte[] bytes = (part.length() + ":" + part).getBytes(StandardCharsets.UTF_8);
            for (byte x : bytes) {
                a = (a ^ (x & 0xff)) * PRIME;
                b = (b ^ (x & 0xff)) * PRIME;
            }
            a = (a ^ 0x0a) * PRIME; // a part's end
            b = (b ^ 0x1f) * PRIME;
        }
        return HexFormat.of().toHexDigits(a) + HexFormat.of().toHexDigits(b);
    }
}
