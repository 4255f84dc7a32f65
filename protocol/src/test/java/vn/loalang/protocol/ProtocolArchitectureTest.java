package vn.loalang.protocol;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The protocol's packages (decision 0020): what both sides share has no cycles either. */
class ProtocolArchitectureTest {
    private static final JavaClasses CODE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("vn.loalang.protocol");

    @Test
    void noPackageCycles() {
        slices().matching("vn.loalang.protocol.(*)..").should().beFreeOfCycles().check(CODE);
    }
}
