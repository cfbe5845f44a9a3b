package dev.managedbackend.internal.container;

import java.util.function.Consumer;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;

/**
 * Puts a container's published ports on one host address: Testcontainers' port bindings carry
 * none, so Docker would publish them on every interface ({@code 0.0.0.0} and {@code ::}).
 */
final class PortBindings {

    private PortBindings() {
    }

    /** A create-command modifier; {@code hostIp} {@code ""} leaves Docker's default. */
    static Consumer<CreateContainerCmd> onHostIp(String hostIp) {
        return command -> {
            HostConfig hostConfig = command.getHostConfig();
            if (hostIp.isEmpty() || hostConfig == null || hostConfig.getPortBindings() == null) {
                return;
            }
            Ports bound = new Ports();
            hostConfig.getPortBindings().getBindings().forEach((exposed, bindings) -> {
                for (Ports.Binding binding : bindings == null ? new Ports.Binding[] {Ports.Binding.empty()} : bindings) {
                    bound.add(new PortBinding(new Ports.Binding(hostIp, binding.getHostPortSpec()), exposed));
                }
            });
            hostConfig.withPortBindings(bound);
        };
    }
}
