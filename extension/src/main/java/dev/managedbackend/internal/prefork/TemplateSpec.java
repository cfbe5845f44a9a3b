package dev.managedbackend.internal.prefork;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template is made of; backends with equal specs share one template.
 *
 * @param python      the interpreter
 * @param dir         the app's folder, the template's (and its children's) working directory
 * @param arguments   uvicorn's arguments as a cold start gets them, without {@code --port}:
 *                    {@code APP [--host HOST] ARGS...}
 * @param environment the environment of the template and so of every backend it forks, but
 *                    {@code PORT} (each child sets its own) and the owner tag (each template has its own)
 */
public record TemplateSpec(Path python, Path dir, List<String> arguments, Map<String, String> environment) {

    public TemplateSpec {
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(new LinkedHashMap<>(environment));
    }
}
