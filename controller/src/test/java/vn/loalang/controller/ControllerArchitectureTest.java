package vn.loalang.controller;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The controller's package rules (docs/architecture.md, "Packages"; decision 0020). Each rule names
 * the classes at fault when it breaks; the fix is to move the code to the right package, not the rule.
 */
class ControllerArchitectureTest {
    private static final JavaClasses CODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("vn.loalang.controller");

    @Test
    void noPackageCycles() {
        slices().matching("vn.loalang.controller.(*)..").should().beFreeOfCycles().check(CODE);
    }

    @Test
    void theRootPackageOnlyStartsThings() {
        // Main picks the server, a tool or the demo; nothing may reach back into it.
        noClasses().that().resideOutsideOfPackage("vn.loalang.controller")
                .should().dependOnClassesThat().resideInAPackage("vn.loalang.controller")
                .check(CODE);
    }

    @Test
    void theServerKnowsNeitherTheToolsNorTheDemo() {
        noClasses().that().resideOutsideOfPackages("vn.loalang.controller", "vn.loalang.controller.cli..",
                        "vn.loalang.controller.demo..")
                .should().dependOnClassesThat().resideInAnyPackage("vn.loalang.controller.cli..",
                        "vn.loalang.controller.demo..")
                .check(CODE);
    }

    @Test
    void theToolsSpeakToAControllerThroughItsApiOnly() {
        // As from another machine: nothing of the server's inside, only its HTTP API and the shared protocol.
        noClasses().that().resideInAPackage("vn.loalang.controller.cli..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "another package of the controller",
                        (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith("vn.loalang.controller.")
                                && !c.getPackageName().startsWith("vn.loalang.controller.cli")))
                .check(CODE);
    }

    @Test
    void onlyTheCompositionKnowsEveryPart() {
        noClasses().that().resideOutsideOfPackages("vn.loalang.controller", "vn.loalang.controller.server..",
                        "vn.loalang.controller.demo..")
                .should().dependOnClassesThat().resideInAPackage("vn.loalang.controller.server..")
                .check(CODE);
    }

    @Test
    void eachOutsideLibraryHasOnePlace() {
        noClasses().that().resideOutsideOfPackage("vn.loalang.controller.link..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
                .because("the broker connection is ControllerLink's job").check(CODE);
        noClasses().that().resideOutsideOfPackage("vn.loalang.controller.broker..")
                .should().dependOnClassesThat().resideInAPackage("io.moquette..")
                .because("the embedded broker is the broker package's").check(CODE);
        noClasses().that().resideOutsideOfPackages("vn.loalang.controller.http..", "vn.loalang.controller.api..",
                        "vn.loalang.controller.content..")
                .should().dependOnClassesThat().resideInAPackage("io.javalin..")
                .because("the web server is the http package's, routes are the api's and the content server's")
                .check(CODE);
        noClasses().that().resideOutsideOfPackage("vn.loalang.controller.store..")
                .should().dependOnClassesThat().resideInAPackage("org.flywaydb..")
                .because("migrations are the store's").check(CODE);
    }

    @Test
    void theDomainDoesNotKnowTheWeb() {
        noClasses().that().resideInAnyPackage("vn.loalang.controller.directory..", "vn.loalang.controller.schedule..",
                        "vn.loalang.controller.station..", "vn.loalang.controller.content..",
                        "vn.loalang.controller.alert..", "vn.loalang.controller.health..", "vn.loalang.controller.live..",
                        "vn.loalang.controller.store..", "vn.loalang.controller.users..",
                        "vn.loalang.controller.listen..", "vn.loalang.controller.mirror..",
                        "vn.loalang.controller.bulletin..")
                .should().dependOnClassesThat().resideInAPackage("vn.loalang.controller.api..")
                .check(CODE);
    }
}
