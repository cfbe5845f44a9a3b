package dev.managedbackend.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.managedbackend.BackendConfigurationException;
import dev.managedbackend.ManagedBackend;

/**
 * The host address a container's port is published on
 * ({@value ManagedBackend#CONTAINER_BIND_ADDRESS_PROPERTY_NAME}): the loopback address where the
 * engine publishes on this machine, so that the app under test is not reachable from the network
 * (Docker's own firewall rules bypass the host's); a configured address; or Docker's default.
 *
 * @param configured an IP address, or empty for {@code auto}
 */
public record PublishAddress(Optional<String> configured) {

    /** Docker's own rule for a host IP of {@code ""}: every address of the engine's host. */
    public static final String EVERY_ADDRESS = "";
    private static final String LOOPBACK = "127.0.0.1";
    /**
     * An IPv4 literal (four numbers up to 255) or something with a colon, which the JDK parses as
     * an IPv6 literal only: checking either never asks a name server.
     */
    private static final Pattern IP_LITERAL = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
                    + "|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** {@code auto}, or an IP address; anything else is refused with a message naming the key. */
    public static PublishAddress parse(String raw) {
        String value = raw.strip();
        if (value.equalsIgnoreCase("auto")) {
            return new PublishAddress(Optional.empty());
        }
        if (IP_LITERAL.matcher(value).matches()) {
            try {
                return new PublishAddress(Optional.of(InetAddress.getByName(value).getHostAddress()));
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        throw new BackendConfigurationException(String.format(
                "Configuration parameter %s = \"%s\" is neither auto nor an IP address. Write auto (the "
                        + "loopback address for an engine on this machine), an address of the engine's host such "
                        + "as 127.0.0.1, or 0.0.0.0 for every IPv4 address.",
                ManagedBackend.CONTAINER_BIND_ADDRESS_PROPERTY_NAME, raw));
    }

    /**
     * The host IP for Docker's port binding.
     *
     * @param dockerHost the address at which the engine's mapped ports are reached from here
     *        (Testcontainers' Docker host address)
     * @return an IP address, or {@link #EVERY_ADDRESS}
     */
    public String hostIp(String dockerHost) {
        return configured.orElseGet(() -> isLoopback(dockerHost) ? LOOPBACK : EVERY_ADDRESS);
    }

    /** Without a name lookup: a name other than localhost counts as another host. */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IP_LITERAL.matcher(bare).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
