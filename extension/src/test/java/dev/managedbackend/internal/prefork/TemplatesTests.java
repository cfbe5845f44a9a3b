package dev.managedbackend.internal.prefork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.CrashGuard;

/**
 * Templates with real Pythons, driven below the extension: which template is stopped to make
 * room, and what a fork of a template that has ended says.
 */
class TemplatesTests {

    private static final Duration IMPORT = Duration.ofSeconds(60);

    private final Settings settings = Settings.from(new Config(key -> Optional.ofNullable(System.getProperty(key))));
    private final CrashGuard guard = CrashGuard.get(settings.stateDir(), settings.logDir());
    private int limit;

    @BeforeEach
    void oneAtATime() {
        limit = Templates.limit(1);
    }

    @AfterEach
    void restore() {
        Templates.limit(limit);
    }

    /**
     * Issue 18: making room stopped another spec's template without its lock, so a template that
     * had just been handed to a start (its fork not yet asked for) could be stopped under it, and
     * that backend went cold. A template a start holds is not stopped; once released, it is.
     */
    @Test
    void aTemplateHandedToAStartIsNotStoppedToMakeRoomUntilReleased() throws NoFork {
        Template held = Templates.get(spec("held"), guard, settings.logDir(), IMPORT);
        Template other = Templates.get(spec("other"), guard, settings.logDir(), IMPORT); // the limit is 1
        try {
            assertThat(held.isAlive()).describedAs("%s, held by a start that has not forked yet, after another "
                    + "spec's template was started with a limit of 1", held).isTrue();
        } finally {
            held.release();
            other.release();
        }
        Template third = Templates.get(spec("third"), guard, settings.logDir(), IMPORT);
        try {
            assertThat(held.isAlive()).describedAs("%s, released and idle, when a third spec needs room", held)
                    .isFalse();
            assertThat(other.isAlive()).describedAs("%s, released and idle", other).isFalse();
        } finally {
            third.release();
            third.close();
        }
    }

    /**
     * A fork asked of a template that has ended fails at once and says so: the request and the
     * reader's end are ordered under one lock, so it never waits out the bound for an answer
     * (before, a request put just after the reader had ended waited 10 s).
     */
    @Test
    void aForkOfATemplateThatEndedSaysSo() throws Exception {
        Template template = Templates.get(spec("ending"), guard, settings.logDir(), IMPORT);
        template.release();
        ProcessHandle.of(template.pid()).ifPresent(ProcessHandle::destroyForcibly);
        List<String> reasons = List.of("its template (pid " + template.pid() + ") is gone",
                "its template (pid " + template.pid() + ") ended", "could not reach its template (pid "
                        + template.pid() + ")");
        for (int fork = 0; fork < 20; fork++) { // before and after the reader has seen the end
            assertThatThrownBy(() -> template.fork(1, "1", settings.logDir().resolve("never.log")))
                    .isInstanceOf(NoFork.class)
                    .satisfies(e -> assertThat(reasons).anyMatch(e.getMessage()::startsWith));
        }
        template.close();
    }

    /** The hello app under the test venv's Python, with {@code TEMPLATE=name} to tell the specs apart. */
    private static TemplateSpec spec(String name) {
        String venv = System.getenv("VIRTUAL_ENV");
        assertThat(venv).describedAs("VIRTUAL_ENV, set by the build to the test venv").isNotBlank();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PYTHONUNBUFFERED", "1");
        env.put("TEMPLATE", name + "-" + System.nanoTime());
        return new TemplateSpec(Path.of(venv, "bin", "python"), Path.of("src/test/python").toAbsolutePath(),
                List.of("apps.hello:app", "--host", "127.0.0.1"), env);
    }
}
