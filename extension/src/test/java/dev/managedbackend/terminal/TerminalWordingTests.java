package dev.managedbackend.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.managedbackend.BackendBuilder;
import dev.managedbackend.BackendConfigurationException;

/**
 * One mistake, two callers: {@code BackendBuilder.start()} names the attributes a Java caller
 * wrote, {@link TerminalStart#start} the options of the command line, and the folder a relative
 * path is resolved against in each one's words. Nothing starts in either case (the description
 * is refused before a launch).
 */
class TerminalWordingTests {

    private static final Path HERE = Path.of("").toAbsolutePath();

    @Test
    void aDirThatIsNoDirectory() {
        BackendBuilder builder = BackendBuilder.app("app.main:app").name("api").dir("no/such/dir");

        assertThat(catchThrowable(builder::start)).isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("BackendBuilder 'api': dir = \"no/such/dir\" is not a directory (resolved to "
                        + HERE.resolve("no/such/dir") + " from the working directory " + HERE + "). Set dir to the "
                        + "app's folder, relative to the test JVM's working directory or absolute.");
        assertThat(catchThrowable(() -> TerminalStart.start(builder)))
                .isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("backend 'api': --dir no/such/dir is not a directory (resolved to "
                        + HERE.resolve("no/such/dir") + " from the current directory " + HERE + "). Set --dir to the "
                        + "app's folder, relative to the current directory or absolute.");
    }

    @Test
    void aHealthPathWithoutItsSlash() {
        BackendBuilder builder = BackendBuilder.command("./server").healthPath("ready");

        assertThat(catchThrowable(builder::start)).isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("BackendBuilder: healthPath = \"ready\" does not start with '/'; write it as \"/ready\", "
                        + "or \"\" to only wait for the port.");
        assertThat(catchThrowable(() -> TerminalStart.start(builder)))
                .isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("backend 'default': --health-path ready does not start with '/'; write it as "
                        + "--health-path /ready, or --health-path= to only wait for the port.");
    }

    @Test
    void aPortOutOfRangeAndAForbiddenUvicornArgument() {
        assertThat(catchThrowable(() -> TerminalStart.start(BackendBuilder.command("./server").port(70000))))
                .hasMessage("backend 'default': --port 70000 is outside 1..65535; leave it out to get a free port, or "
                        + "give one from 1 to 65535.");
        assertThat(catchThrowable(() -> TerminalStart.start(BackendBuilder.app("app.main:app").args("--port=8000"))))
                .hasMessage("backend 'default': --arg --port=8000 contains --port; managed-backend passes the port "
                        + "itself and needs a TCP port to check. Use --port instead.");
    }

    /** Checked after the engine was found: Docker runs here (in CI too); no container is created. */
    @Test
    void anImageNameThatIsNotOne() {
        BackendBuilder builder = BackendBuilder.image("Not An Image");

        assertThat(catchThrowable(builder::start)).isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("backend 'default': image = \"Not An Image\" is not a valid image name (Not An Image is "
                        + "not a valid Docker image name (in Not An Image)); write it as [registry/]repository[:tag], "
                        + "e.g. \"my-app:dev\".");
        assertThat(catchThrowable(() -> TerminalStart.start(builder)))
                .isExactlyInstanceOf(BackendConfigurationException.class)
                .hasMessage("backend 'default': --image 'Not An Image' is not a valid image name (Not An Image is "
                        + "not a valid Docker image name (in Not An Image)); write it as [registry/]repository[:tag], "
                        + "e.g. --image my-app:dev.");
    }

    @Test
    void theTerminalsWordsEndWithTheStart() {
        catchThrowable(() -> TerminalStart.start(BackendBuilder.command("./server").healthPath("ready")));

        assertThat(catchThrowable(() -> BackendBuilder.command("./server").healthPath("ready").start()))
                .describedAs("a Java start on the same thread, after a terminal one")
                .hasMessageStartingWith("BackendBuilder: healthPath = \"ready\"");
    }
}
