package dev.managedbackend.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.managedbackend.BackendStartException;

/**
 * Where the interpreter of an {@code app} backend is looked for, on real files: the POSIX and
 * the Windows virtualenv layouts, in the app's {@code .venv} and in {@code $VIRTUAL_ENV}, then
 * {@code python3} and {@code python} on the PATH, with {@code PATHEXT} on Windows. (The layouts
 * are looked for on every platform, so all of this runs here; CI has no Windows machine.)
 */
class PythonInterpreterTests {

    @TempDir
    Path temp;

    @Test
    void theAppsVenvInTheWindowsLayout() throws IOException {
        Path python = executable(temp.resolve("app/.venv/Scripts/python.exe"));

        PythonInterpreter found = PythonInterpreter.resolve(spec(temp.resolve("app")), Map.of("PATH", ""));

        assertThat(found).isEqualTo(new PythonInterpreter(python, "the app's .venv"));
    }

    @Test
    void thePosixLayoutComesFirst() throws IOException {
        Path posix = executable(temp.resolve("app/.venv/bin/python"));
        executable(temp.resolve("app/.venv/Scripts/python.exe"));

        assertThat(PythonInterpreter.resolve(spec(temp.resolve("app")), Map.of()).path()).isEqualTo(posix);
    }

    @Test
    void theActiveVirtualenvInTheWindowsLayout() throws IOException {
        Path python = executable(temp.resolve("env/Scripts/python.exe"));
        Files.createDirectories(temp.resolve("app"));

        PythonInterpreter found = PythonInterpreter.resolve(spec(temp.resolve("app")),
                Map.of("VIRTUAL_ENV", temp.resolve("env").toString(), "PATH", ""));

        assertThat(found).isEqualTo(new PythonInterpreter(python, "$VIRTUAL_ENV"));
    }

    @Test
    void pythonOnThePathWhenThereIsNoPython3() throws IOException {
        Path python = executable(temp.resolve("bin/python"));
        Files.createDirectories(temp.resolve("app"));

        PythonInterpreter found = PythonInterpreter.resolve(spec(temp.resolve("app")),
                Map.of("PATH", temp.resolve("bin").toString()));

        assertThat(found).isEqualTo(new PythonInterpreter(python, "python on the PATH"));
    }

    @Test
    void python3ComesBeforePython() throws IOException {
        executable(temp.resolve("bin/python"));
        Path python3 = executable(temp.resolve("bin/python3"));
        Files.createDirectories(temp.resolve("app"));

        assertThat(PythonInterpreter.resolve(spec(temp.resolve("app")), Map.of("PATH", temp.resolve("bin").toString()))
                .path()).isEqualTo(python3);
    }

    @Test
    void windowsPathExtensions() throws IOException {
        Path python = executable(temp.resolve("bin/python.exe"));
        Files.createDirectories(temp.resolve("app"));

        PythonInterpreter found = PythonInterpreter.resolve(spec(temp.resolve("app")),
                Map.of("Path", temp.resolve("bin").toString(), "PATHEXT", ".COM;.EXE;.BAT"));

        assertThat(found).isEqualTo(new PythonInterpreter(python, "python on the PATH"));
    }

    @Test
    void noneFoundSaysWhereItLooked() throws IOException {
        Files.createDirectories(temp.resolve("app"));

        assertThatThrownBy(() -> PythonInterpreter.resolve(spec(temp.resolve("app")), Map.of("PATH", "")))
                .isExactlyInstanceOf(BackendStartException.class)
                .hasMessage("backend 'default': found no Python interpreter: python is not set, "
                        + temp.resolve("app/.venv") + " has no bin/python (nor Scripts\\python.exe), $VIRTUAL_ENV is "
                        + "not set, and there is neither python3 nor python on the PATH. Create a virtualenv with "
                        + "uvicorn at " + temp.resolve("app/.venv") + ", or set python = \"/path/to/python\".");
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static BackendSpec spec(Path dir) {
        return new SpecReader(Config.empty(), dir).read(new Declaration("a test", "default", "apps.hello:app", List.of(),
                Optional.of(dir.toString()), Optional.empty(), List.of(), "", "", OptionalInt.empty(), Optional.empty(),
                0, OptionalInt.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.empty()));
    }
}
