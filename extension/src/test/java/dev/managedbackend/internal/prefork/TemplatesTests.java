package dev.managedbackend.internal.prefork;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.awaitility.Awaitility;
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
     * A fork asked of a template that has ended fails at once and says so, whether its reader has
     * seen the end yet or not: the request and the reader's end are ordered under one lock, so no
     * request is left for an answer that cannot come (before, one put just after the reader had
     * ended waited out the 10 s bound). Nothing here can force that interleaving; this asks for
     * forks from the SIGKILL on, across the reader's end, and checks every answer.
     */
    @Test
    void aForkOfATemplateThatEndedSaysSoBeforeAndAfterItsReaderHasSeenIt() throws Exception {
        Template template = Templates.get(spec("ending"), guard, settings.logDir(), IMPORT);
        template.release();
        String pid = "(pid " + template.pid() + ")";
        List<String> reasons = List.of("its template " + pid + " is gone", "its template " + pid + " ended",
                "could not reach its template " + pid);
        List<String> answers = new ArrayList<>();
        ProcessHandle.of(template.pid()).ifPresent(ProcessHandle::destroyForcibly);
        Awaitility.await("the reader's end").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    boolean ended = template.ended().isDone();
                    answers.add(forkOf(template));
                    return ended;
                });
        for (int fork = 0; fork < 5; fork++) {
            answers.add(forkOf(template));
        }
        assertThat(answers).describedAs("why each fork of %s, SIGKILLed, did not happen", template)
                .allSatisfy(answer -> assertThat(reasons).anyMatch(answer::startsWith));
        template.close();
    }

    private String forkOf(Template template) {
        try {
            return "forked " + template.fork(1, "1", settings.logDir().resolve("never.log")).handle().pid();
        } catch (NoFork e) {
            return e.getMessage();
        }
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
