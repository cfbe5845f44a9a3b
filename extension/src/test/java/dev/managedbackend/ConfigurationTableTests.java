package dev.managedbackend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.managedbackend.internal.crash.CrashGuard;

/**
 * The configuration reference (docs/configuration.md) lists every key the code reads, and no other:
 * the {@code *_PROPERTY_NAME} constants of {@link ManagedBackend}, and the crash guard's system property.
 */
class ConfigurationTableTests {

    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(managedbackend\\.[\\w.]+)` \\|");

    @Test
    void theReferenceListsEveryKeyAndNoOther() throws IOException, IllegalAccessException {
        Set<String> listed = new HashSet<>();
        Matcher rows = ROW.matcher(Files.readString(Path.of("../docs/configuration.md")));
        while (rows.find()) {
            assertThat(listed.add(rows.group(1))).describedAs("%s listed twice", rows.group(1)).isTrue();
        }
        Set<String> read = new HashSet<>(Set.of(CrashGuard.ENABLED_PROPERTY));
        for (Field field : Arrays.stream(ManagedBackend.class.getFields())
                .filter(f -> f.getName().endsWith("_PROPERTY_NAME") && Modifier.isStatic(f.getModifiers())).toList()) {
            read.add((String) field.get(null));
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(read);
    }
}
