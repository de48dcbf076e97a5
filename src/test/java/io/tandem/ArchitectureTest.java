package io.tandem;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The layout of docs/architecture.md, checked over the compiled classes: it cannot rot quietly. */
class ArchitectureTest {
  private static JavaClasses tandem;

  @BeforeAll
  static void read() {
    tandem = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.tandem");
  }

  @Test
  @DisplayName("no two feature packages depend on each other, directly or round about")
  void noPackageCycles() {
    slices().matching("io.tandem.(*)..").should().beFreeOfCycles().check(tandem);
  }

  @Test
  @DisplayName("the shared value types (kernel) depend on nothing else of Tandem")
  void kernelStandsAlone() {
    noClasses().that().resideInAPackage("io.tandem.kernel..")
        .should().dependOnClassesThat(resideInAPackage("io.tandem..").and(not(resideInAPackage("io.tandem.kernel.."))))
        .because("every feature uses these values, so they may use no feature")
        .check(tandem);
  }
}
