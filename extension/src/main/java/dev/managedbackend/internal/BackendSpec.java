package dev.managedbackend.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.managedbackend.InheritEnv;
import dev.managedbackend.Scope;

/**
 * One backend's configuration, validated and with configured defaults applied. Two equal specs
 * describe the same backend, which is what lets {@link Scope#RUN} share one.
 */
public record BackendSpec(
        String name,
        Mode mode,
        String app,
        List<String> command,
        Path dir,
        String python,
        List<String> args,
        String image,
        String dockerfile,
        int containerPort,
        String healthPath,
        int port,
        Duration startupTimeout,
        Map<String, String> env,
        InheritEnv inheritEnv,
        Scope scope,
        boolean prefork) {

    /** What runs the backend: exactly one of the four attributes is set. */
    public enum Mode {
        APP("app"), COMMAND("command"), IMAGE("image"), DOCKERFILE("dockerfile");

        private final String attribute;

        Mode(String attribute) {
            this.attribute = attribute;
        }

        /** The {@code @ManagedBackend} attribute that selects this mode. */
        public String attribute() {
            return attribute;
        }

        public boolean isContainer() {
            return this == IMAGE || this == DOCKERFILE;
        }
    }

    public BackendSpec {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env)); // declaration order, for the log
    }

    /** The same spec with another env, e.g. with its references to other backends resolved. */
    public BackendSpec withEnv(Map<String, String> resolved) {
        return new BackendSpec(name, mode, app, command, dir, python, args, image, dockerfile, containerPort,
                healthPath, port, startupTimeout, resolved, inheritEnv, scope, prefork);
    }

    /** The same spec on a fixed port: what a restart launches, so that the URL stays. */
    public BackendSpec withPort(int fixed) {
        return new BackendSpec(name, mode, app, command, dir, python, args, image, dockerfile, containerPort,
                healthPath, fixed, startupTimeout, env, inheritEnv, scope, prefork);
    }

    /** Whether the port is picked by the extension rather than given by the user. */
    public boolean picksPort() {
        return port == 0;
    }

    /** A short human description for messages, e.g. {@code uvicorn app.main:app}. */
    public String describe() {
        return switch (mode) {
            case APP -> "uvicorn " + app;
            case COMMAND -> String.join(" ", command);
            case IMAGE -> "image " + image;
            case DOCKERFILE -> "dockerfile " + dockerfile;
        };
    }
}
