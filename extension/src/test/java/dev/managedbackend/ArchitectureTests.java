package dev.managedbackend;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.List;

import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.library.dependencies.Slice;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.Slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The packages form layers, checked on the compiled classes, as JUnit splits its API from its
 * engine:
 * <pre>
 *   terminal                      the command line's facade: detached backends, reap, who, health now
 *   engine                        the JUnit engine: levels, plans, declarations, injection, reports
 *   internal.container            container mode (Testcontainers), found by the core and the crash guard
 *                                 through ServiceLoader (LauncherFactory, ContainerRemover), never named
 *   internal                      the core: specs, settings, ports, launch, readiness
 *   internal.prefork              prefork templates: Pythons that imported the app, forking backends
 *   internal.reuse                reuse between runs: keys, fingerprints, records, leases
 *   internal.crash                crash safety: ledger, sweep, watchdog
 *   internal.os                   process facts and actions: identity, owner tag, groups, listeners, the stop
 *   dev.managedbackend            the API: annotation, builder, Backend, exceptions, enums
 * </pre>
 * Each may use those below it; none may use one above it. The API, at the bottom, uses no other
 * package of ours: {@code ManagedBackendExtension} and {@code BackendBuilder.start()} hand their
 * work to the engine through {@link BackendEngine}, which the API declares and the engine
 * implements (found through ServiceLoader). No package, the root included, is part of a cycle.
 * Nothing under {@code internal} uses JUnit or the engine, so the core runs without JUnit (the
 * command line and plain Java need that).
 */
class ArchitectureTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.managedbackend");

    @Test
    void thePackagesHaveNoCyclesRootIncluded() {
        // "dev.(*).." would give the root package a slice of its own, but only as one slice with all
        // below it; each package is its own slice here, the root ("managedbackend") included
        SliceAssignment eachPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                return name.startsWith("dev.managedbackend")
                        ? SliceIdentifier.of(name.equals("dev.managedbackend") ? "managedbackend"
                                : name.substring("dev.managedbackend.".length()))
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "each package of dev.managedbackend";
            }
        };
        assertThat(Slices.assignedFrom(eachPackage).transform(CLASSES))
                .describedAs("the slices checked").extracting(Slice::getDescription)
                .contains("Slice managedbackend", "Slice terminal", "Slice engine", "Slice internal", "Slice internal.os",
                        "Slice internal.crash", "Slice internal.container", "Slice internal.prefork",
                        "Slice internal.reuse");
        slices().assignedFrom(eachPackage).should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("terminal").definedBy("dev.managedbackend.terminal..")
                .layer("engine").definedBy("dev.managedbackend.engine..")
                .layer("container mode").definedBy("dev.managedbackend.internal.container..")
                .layer("core").definedBy("dev.managedbackend.internal")
                .layer("prefork").definedBy("dev.managedbackend.internal.prefork..")
                .layer("reuse").definedBy("dev.managedbackend.internal.reuse..")
                .layer("crash guard").definedBy("dev.managedbackend.internal.crash..")
                .layer("os").definedBy("dev.managedbackend.internal.os..")
                .layer("API").definedBy("dev.managedbackend")
                .whereLayer("terminal").mayNotBeAccessedByAnyLayer()
                .whereLayer("engine").mayNotBeAccessedByAnyLayer()
                .whereLayer("container mode").mayNotBeAccessedByAnyLayer()
                .whereLayer("core").mayOnlyBeAccessedByLayers("terminal", "engine", "container mode")
                .whereLayer("prefork").mayOnlyBeAccessedByLayers("core")
                .whereLayer("reuse").mayOnlyBeAccessedByLayers("core")
                .whereLayer("crash guard").mayOnlyBeAccessedByLayers("terminal", "core", "container mode", "prefork",
                        "reuse")
                .whereLayer("os").mayOnlyBeAccessedByLayers("terminal", "core", "container mode", "prefork",
                        "crash guard", "reuse")
                .check(CLASSES);
    }

    /**
     * Optional parts are found, not named: no class of ours loads a class of ours by its name. The
     * few {@code Class.forName} calls left each name a class of another library, and are listed here.
     */
    @Test
    void noClassLoadsOneOfOursByName() {
        List<String> byName = CLASSES.stream().flatMap(javaClass -> javaClass.getMethodCallsFromSelf().stream())
                .filter(call -> call.getTargetOwner().isEquivalentTo(Class.class) && call.getName().equals("forName"))
                .map(call -> call.getOrigin().getFullName()).distinct().toList();
        assertThat(byName).describedAs("the methods that call Class.forName")
                .containsExactlyInAnyOrder(
                        // is Testcontainers on the classpath at all (before ServiceLoader hands out container mode)?
                        "dev.managedbackend.internal.ContainerMode.launcher(dev.managedbackend.internal.BackendSpec, "
                                + "dev.managedbackend.internal.Settings)",
                        "dev.managedbackend.internal.crash.ContainerRemover.find()",
                        // a reflective version check on JUnit (publishFile is 5.12+)
                        "dev.managedbackend.engine.FailureReports$FilePublisher.lookup()");
    }

    /** The API, beneath everything, uses no other package of ours. */
    @Test
    void theApiUsesNothingElseOfOurs() {
        noClasses().that().resideInAPackage("dev.managedbackend")
                .should().dependOnClassesThat().resideInAPackage("dev.managedbackend.*..")
                .check(CLASSES);
    }

    @Test
    void nothingUnderInternalUsesJUnit() {
        noClasses().that().resideInAPackage("dev.managedbackend.internal..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..")
                .check(CLASSES);
    }

    /** The terminal facade hands out no JUnit type, and the engine's work stays the engine's. */
    @Test
    void theTerminalFacadeUsesNeitherJUnitNorTheEngine() {
        noClasses().that().resideInAPackage("dev.managedbackend.terminal..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..", "dev.managedbackend.engine..")
                .check(CLASSES);
    }

    @Test
    void theCoreNeverUsesTheEngine() {
        noClasses().that().resideInAPackage("dev.managedbackend.internal..")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Extension")
                .orShould().dependOnClassesThat().resideInAPackage("dev.managedbackend.engine..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(BackendEngine.class.getName())
                .check(CLASSES);
    }

    @Test
    void everyPublicTypeOfTheApiSaysItsStatus() {
        classes().that().resideInAPackage("dev.managedbackend").and().arePublic().and().areTopLevelClasses()
                .should().beAnnotatedWith(API.class)
                .check(CLASSES);
    }

    @Test
    void everyPackageButTheApiIsMarkedInternal() {
        for (String name : List.of("terminal", "engine", "internal", "internal.os", "internal.crash",
                "internal.container", "internal.prefork", "internal.reuse")) {
            JavaPackage internal = CLASSES.getPackage("dev.managedbackend." + name);
            assertThat(internal.isAnnotatedWith(API.class)).describedAs("@API on package %s", name).isTrue();
            assertThat(internal.getAnnotationOfType(API.class).status()).isEqualTo(API.Status.INTERNAL);
        }
    }

    /** The user's build decides its HTTP client: the library's own HTTP is java.net.http. */
    @Test
    void nothingUsesOkHttpOrKotlin() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "okio..", "kotlin..")
                .check(CLASSES);
    }
}
