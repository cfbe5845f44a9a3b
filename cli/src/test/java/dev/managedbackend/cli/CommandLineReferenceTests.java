package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/**
 * The command-line reference page, {@code docs/command-line-reference.md}, is every command's
 * {@code --help} as picocli's model gives it, so the page and {@code --help} never disagree. When
 * a command changes, regenerate the page with:
 * <pre>
 * mvn -B -ntp -q test -pl cli -am -Dtest=CommandLineReferenceTests -Dsurefire.failIfNoSpecifiedTests=false -Ddist.skip=true -Dcli.reference.write=true
 * </pre>
 */
class CommandLineReferenceTests {

    private static final Path PAGE = Path.of(System.getProperty("cli.docs", "../docs"), "command-line-reference.md");

    @Test
    void thePageIsWhatTheCommandModelGives() throws IOException {
        String expected = page();
        if (Boolean.getBoolean("cli.reference.write")) {
            Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .describedAs("%s differs from --help; regenerate it (see %s)", PAGE, getClass().getSimpleName())
                .isEqualTo(expected);
    }

    @Test
    void everyCommandThatTakesOptionsShowsExamples() {
        CommandLine all = ManagedBackendCli.commandLine();
        all.getSubcommands().forEach((name, command) -> {
            if (!name.equals("help")) {
                assertThat(command.getUsageMessage(CommandLine.Help.Ansi.OFF)).describedAs(name)
                        .contains("Examples:", "managed-backend " + name);
            }
        });
    }

    @Test
    void startOffersNoContainerOptionSinceItRefusesThem() {
        String start = ManagedBackendCli.commandLine().getSubcommands().get("start")
                .getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(start).contains("--app", "--command").doesNotContain("--image", "--dockerfile", "--container-port");
        String run = ManagedBackendCli.commandLine().getSubcommands().get("run").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(run).contains("--image", "--dockerfile", "--container-port");
    }

    /** The page: a short preface, then each command's --help in order. */
    static String page() {
        CommandLine all = ManagedBackendCli.commandLine();
        StringBuilder page = new StringBuilder("""
                # The command line: reference

                <!-- Generated from the command model by CommandLineReferenceTests (cli); do not edit by hand. -->

                Every command's `--help`, as this version prints it. The guide is
                [The command line](command-line.md).

                """);
        section(page, "managed-backend", all);
        all.getSubcommands().forEach((name, command) -> {
            if (!name.equals("help")) {
                section(page, "managed-backend " + name, command);
            }
        });
        return page.toString();
    }

    private static void section(StringBuilder page, String title, CommandLine command) {
        page.append("## ").append(title).append("\n\n```text\n")
                .append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing())
                .append("\n```\n\n");
    }
}
