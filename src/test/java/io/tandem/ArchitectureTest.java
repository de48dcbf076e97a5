package io.tandem;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
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

  @Test
  @DisplayName("a feature's repository is used by its own feature only (and by the HTTP edge and the composition root)")
  void repositoriesStayInTheirFeature() {
    for (JavaClass repository : tandem.that(simpleNameEndingWith("Repository"))) {
      String feature = repository.getPackageName();
      // "io.tandem" without ".." is the root package alone: TandemNode, the composition root.
      noClasses().that().resideOutsideOfPackages(feature, "io.tandem.api", "io.tandem")
          .should().dependOnClassesThat().belongToAnyOf(repository.reflect())
          .because("features reach each other through the bus or a narrow interface of the owning feature (docs/architecture.md)")
          .check(tandem);
    }
  }

  @Test
  @DisplayName("only the gateway's ChannelGuard reaches under Vert.x's public API, into its internals or Netty's channel")
  void publicVertxApiOnly() {
    noClasses().that().doNotHaveFullyQualifiedName("io.tandem.gateway.ChannelGuard")
        .and().doNotHaveFullyQualifiedName("io.tandem.gateway.ChannelGuard$Refusals")
        .and().doNotHaveFullyQualifiedName("io.tandem.gateway.ChannelGuard$Discard")
        .should().dependOnClassesThat(resideInAPackage("io.vertx..internal..").or(resideInAPackage("io.vertx..impl..")).or(resideInAPackage("io.netty.channel..")))
        .because("internals change between Vert.x releases; what Vert.x does not offer is fitted in one place (docs/architecture.md)")
        .check(tandem);
  }
}
