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
import com.tngtech.archunit.library.dependencies.Slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The packages form layers, checked on the compiled classes:
 * <pre>
 *   dev.managedbackend            the API and the JUnit extension
 *   internal.container            container mode (Testcontainers), found by the core and the crash guard
 *                                 through ServiceLoader (LauncherFactory, ContainerRemover), never named
 *   internal                      the core: specs, settings, ports, launch, readiness
 *   internal.prefork              prefork templates: Pythons that imported the app, forking backends
 *   internal.crash                crash safety: ledger, sweep, watchdog
 *   internal.os                   process facts and actions: identity, owner tag, groups, listeners, the stop
 * </pre>
 * Each may use those below it and the API's own types (exceptions, enums, {@code Backend}, the
 * annotation's constants); none may use one above it, and the packages under {@code internal}
 * have no cycles. Nothing under {@code internal} uses JUnit or the extension's classes, so the
 * core runs without JUnit (the command line and plain Java need that).
 */
class ArchitectureTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.managedbackend");

    @Test
    void thePackagesUnderInternalHaveNoCycles() {
        assertThat(Slices.matching("dev.managedbackend.(**)").transform(CLASSES))
                .describedAs("the slices checked").extracting(Slice::getDescription)
                .contains("Slice internal", "Slice internal.os", "Slice internal.crash", "Slice internal.container",
                        "Slice internal.prefork");
        slices().matching("dev.managedbackend.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("API and extension").definedBy("dev.managedbackend")
                .layer("container mode").definedBy("dev.managedbackend.internal.container..")
                .layer("core").definedBy("dev.managedbackend.internal")
                .layer("prefork").definedBy("dev.managedbackend.internal.prefork..")
                .layer("crash guard").definedBy("dev.managedbackend.internal.crash..")
                .layer("os").definedBy("dev.managedbackend.internal.os..")
                .whereLayer("container mode").mayNotBeAccessedByAnyLayer()
                .whereLayer("core").mayOnlyBeAccessedByLayers("API and extension", "container mode")
                .whereLayer("prefork").mayOnlyBeAccessedByLayers("core")
                .whereLayer("crash guard").mayOnlyBeAccessedByLayers("core", "container mode", "prefork")
                .whereLayer("os").mayOnlyBeAccessedByLayers("core", "container mode", "prefork", "crash guard")
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
                        "dev.managedbackend.FailureReports$FilePublisher.lookup()");
    }

    @Test
    void nothingUnderInternalUsesJUnit() {
        noClasses().that().resideInAPackage("dev.managedbackend.internal..")
                .should().dependOnClassesThat().resideInAnyPackage("org.junit..")
                .check(CLASSES);
    }

    @Test
    void theCoreNeverUsesTheJUnitExtensionClasses() {
        noClasses().that().resideInAPackage("dev.managedbackend.internal..")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Extension")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Injection.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(FailureReports.class.getName())
                .check(CLASSES);
    }

    @Test
    void everyPublicTypeOfTheApiSaysItsStatus() {
        classes().that().resideInAPackage("dev.managedbackend").and().arePublic().and().areTopLevelClasses()
                .should().beAnnotatedWith(API.class)
                .check(CLASSES);
    }

    @Test
    void everyPackageUnderInternalIsMarkedInternal() {
        for (String name : List.of("internal", "internal.os", "internal.crash", "internal.container", "internal.prefork")) {
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
