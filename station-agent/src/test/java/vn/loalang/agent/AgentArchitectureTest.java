package vn.loalang.agent;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The agent's package rules (docs/architecture.md, "Packages"; decision 0020). */
class AgentArchitectureTest {
    private static final JavaClasses CODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("vn.loalang.agent");

    @Test
    void noPackageCycles() {
        slices().matching("vn.loalang.agent.(*)..").should().beFreeOfCycles().check(CODE);
    }

    @Test
    void theRootPackageOnlyAssemblesTheAgent() {
        // StationAgent and Main build the parts; a part that reached back would close a cycle through them.
        noClasses().that().resideOutsideOfPackage("vn.loalang.agent")
                .should().dependOnClassesThat().resideInAPackage("vn.loalang.agent")
                .check(CODE);
    }

    @Test
    void eachOutsideLibraryHasOnePlace() {
        noClasses().that().resideOutsideOfPackage("vn.loalang.agent.relay..")
                .should().dependOnClassesThat().resideInAPackage("com.pi4j..")
                .because("GPIO is the relay package's").check(CODE);
        noClasses().that().resideOutsideOfPackage("vn.loalang.agent.link..")
                .should().dependOnClassesThat().resideInAPackage("org.eclipse.paho..")
                .because("the broker connection is MqttLink's job").check(CODE);
        noClasses().that().resideOutsideOfPackage("vn.loalang.agent.audio..")
                .should().dependOnClassesThat().resideInAPackage("javax.sound..")
                .because("the sound card is behind AudioSink").check(CODE);
        noClasses().that().resideOutsideOfPackage("vn.loalang.agent.live..")
                .should().dependOnClassesThat().resideInAPackage("javazoom..")
                .because("a live stream's frames are decoded by live.FrameDecoder alone; files by audio-content")
                .check(CODE);
    }

    @Test
    void theLivePlayersStreamsKnowNothingOfPlayout() {
        // playout plays live items through live (issue 17); talk puts talks on the line through playout. A live
        // part that reached into playout, talks or alerts would close a cycle or mix the jobs.
        noClasses().that().resideInAPackage("vn.loalang.agent.live..")
                .should().dependOnClassesThat().resideInAnyPackage("vn.loalang.agent.playout..", "vn.loalang.agent.talk..",
                        "vn.loalang.agent.alert..", "vn.loalang.agent.schedule..", "vn.loalang.agent.link..",
                        "vn.loalang.agent.relay..")
                .check(CODE);
    }
}
