package dev.managedbackend.internal;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.managedbackend.InheritEnv;
import dev.managedbackend.Scope;

/**
 * One backend as its user wrote it, before any rule or default is applied: what the
 * annotation (or another front end) says, attribute by attribute. An empty {@code Optional}
 * means "not written", so a configured default may apply; a written value always wins, even
 * one equal to the built-in default. {@link SpecReader} turns it into a {@link BackendSpec}.
 *
 * @param origin where it was declared, for messages, e.g. {@code @ManagedBackend(name = "users") on com.example.UsersIT}
 * @param app      {@code ""} if not written (likewise {@code image}, {@code dockerfile})
 * @param command  empty if not written (likewise {@code args}, {@code env})
 * @param port     {@code 0}: pick a free one
 * @param env      raw {@code KEY=VALUE} entries, in order
 */
public record Declaration(
        String origin,
        String name,
        String app,
        List<String> command,
        Optional<String> dir,
        Optional<String> python,
        List<String> args,
        String image,
        String dockerfile,
        OptionalInt containerPort,
        Optional<String> healthPath,
        int port,
        OptionalInt startupTimeoutSeconds,
        List<String> env,
        Optional<InheritEnv> inheritEnv,
        Optional<Scope> scope,
        Optional<Boolean> prefork) {

    public Declaration {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = List.copyOf(env);
    }

    /** The same declaration with the scope its place decides (an instance field's: METHOD). */
    public Declaration withScope(Scope decided) {
        return new Declaration(origin, name, app, command, dir, python, args, image, dockerfile, containerPort,
                healthPath, port, startupTimeoutSeconds, env, inheritEnv, Optional.of(decided), prefork);
    }
}
