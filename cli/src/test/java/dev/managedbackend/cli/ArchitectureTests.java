package dev.managedbackend.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * One core: the command line starts backends through the public API ({@code BackendBuilder}) and
 * reaches the rest of the library only through its facade for terminals,
 * {@code dev.managedbackend.terminal} (detached backends, the reap, who holds a port, health now,
 * the children of {@code run}, the settings). No internal class, no cast to one; no launcher,
 * port leasing, readiness check or stop of its own.
 */
class ArchitectureTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.managedbackend.cli");

    @Test
    void theCommandLineUsesTheLibraryOnlyThroughItsApiAndTheTerminalFacade() {
        noClasses().that().resideInAPackage("dev.managedbackend.cli")
                .should().dependOnClassesThat().resideInAnyPackage("dev.managedbackend.internal..",
                        "dev.managedbackend.engine..")
                .check(CLASSES);
    }
}
