package dev.managedbackend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine.Model.CommandSpec;

class ConfigFileTests {

    @TempDir
    Path temp;

    private final CommandSpec start = ManagedBackendCli.commandLine().getSubcommands().get("start").getCommandSpec();

    @Test
    void readsOptionsInEitherFormWithPathsRelativeToTheFile() throws Exception {
        Path file = Files.writeString(temp.resolve("backend.conf"), String.join("\n",
                "# comment", "", "name = api", "--app app.main:app", "dir=backend", "env = A=1 B", "env = C='x'",
                "python = python3", "--python .venv/bin/python", "verbose", "health-path = \"\"", "env-file web/.env"));

        assertThat(ConfigFile.read(file, start)).containsExactly("--name", "api", "--app", "app.main:app", "--dir",
                temp.resolve("backend").toString(), "--env", "A=1 B", "--env", "C='x'", "--python", "python3",
                "--python", temp.resolve(".venv/bin/python").toString(), "--verbose", "--health-path", "",
                "--env-file", temp.resolve("web/.env").toString());
    }

    @Test
    void aRelativePathThatLeavesTheConfigFilesFolderIsRefused() throws Exception {
        Path project = Files.createDirectories(temp.resolve("project"));
        Path file = Files.writeString(project.resolve("backend.conf"), "app = a:b\nenv-file = web/../../home/.bashrc\n");

        assertThatThrownBy(() -> ConfigFile.read(file, start)).isInstanceOf(ConfigFile.Invalid.class)
                .hasMessage(file + " line 2: env-file = web/../../home/.bashrc leads out of the config file's folder "
                        + project + " (to " + temp.resolve("home/.bashrc") + "): a relative path in a config file stays "
                        + "inside the project the file sits in. Put the config file in the project's top folder, or "
                        + "give --env-file on the command line");
        Path inside = Files.writeString(project.resolve("ok.conf"), "dir = backend/../backend\n");
        assertThat(ConfigFile.read(inside, start)).containsExactly("--dir", project.resolve("backend").toString());
    }

    @Test
    void anUnknownOptionIsNamedWithItsLineAndAClosMatch() throws Exception {
        Path file = Files.writeString(temp.resolve("c.conf"), "app = a:b\nhealth-pth = /h\n");
        assertThatThrownBy(() -> ConfigFile.read(file, start)).isInstanceOf(ConfigFile.Invalid.class)
                .hasMessage(file + " line 2: unknown option 'health-pth' for managed-backend start; did you mean "
                        + "'health-path'?");
        Path nested = Files.writeString(temp.resolve("n.conf"), "config = other.conf\n");
        assertThatThrownBy(() -> ConfigFile.read(nested, start)).hasMessageContaining("cannot name another");
    }
}
