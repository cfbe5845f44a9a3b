package dev.managedbackend.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import dev.managedbackend.internal.BackendRedirects;
import dev.managedbackend.internal.HealthClient;
import dev.managedbackend.internal.Config;
import dev.managedbackend.internal.PortAllocator;
import dev.managedbackend.internal.RunningBackend;
import dev.managedbackend.internal.Settings;
import dev.managedbackend.internal.crash.CrashGuard;
import dev.managedbackend.internal.crash.DetachedBackends;
import dev.managedbackend.internal.crash.LedgerSweep;
import dev.managedbackend.internal.os.OshiProcessTable;
import dev.managedbackend.internal.os.OwnerTag;
import dev.managedbackend.internal.os.PortHolder;
import dev.managedbackend.internal.os.PrivateFolder;
import dev.managedbackend.internal.os.ProcessIdentity;
import dev.managedbackend.internal.os.ProcessStopper;
import dev.managedbackend.internal.os.ProcessTable;

/**
 * One core: the command line starts backends through the public {@code BackendBuilder} and
 * reaches the library's internals only through these classes, each for one job: the detached
 * hand-over ({@link RunningBackend#detach()}), settings, the ledger of detached backends and its
 * sweep, who holds a port, the owner tag and the one stop routine. No launcher, port leasing,
 * readiness check or stop of its own.
 */
class ArchitectureTests {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.managedbackend.cli");

    @Test
    void theCommandLineUsesTheCoreOnlyThroughItsNamedSeams() {
        noClasses().that().resideInAPackage("dev.managedbackend.cli")
                .should().dependOnClassesThat(resideInAPackage("dev.managedbackend.internal..")
                        .and(not(belongToAnyOf(RunningBackend.class, Settings.class, Config.class, PortAllocator.class,
                                CrashGuard.class, DetachedBackends.class, LedgerSweep.class, PortHolder.class,
                                OwnerTag.class, OshiProcessTable.class, ProcessTable.class, ProcessIdentity.class, ProcessStopper.class,
                                PrivateFolder.class, BackendRedirects.class, HealthClient.class))))
                .check(CLASSES);
    }
}
