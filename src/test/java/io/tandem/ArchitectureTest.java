package io.tandem;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
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

  /**
   * The picture of docs/architecture.md, level by level from the bottom: a package may use the
   * packages on levels below its own, never one beside it or above it. The root package (Main,
   * TandemNode: the composition root) stands above them all. A new package has to be placed here,
   * and in the picture.
   */
  private static final List<List<String>> LEVELS = List.of(
      List.of("kernel"),
      List.of("wire"),
      List.of("config"),
      List.of("bus", "db"),
      List.of("topic", "webhook", "mail"),
      List.of("expert", "auth"),
      List.of("money"),
      List.of("reliability"),
      List.of("presence"),
      List.of("matching"),
      List.of("session"),
      List.of("operator", "loadtest", "directory"),
      List.of("booking"),
      List.of("api", "gateway"));

  private static final String ROOT = "io.tandem";

  @Test
  @DisplayName("every package uses only packages drawn below it in docs/architecture.md, none beside or above (ArchUnit's layered architecture, built from LEVELS)")
  void layersAsDrawn() {
    Set<String> placed = new HashSet<>();
    LEVELS.forEach(placed::addAll);
    TreeSet<String> unplaced = new TreeSet<>();
    for (JavaClass c : tandem) {
      feature(c).filter(f -> !placed.contains(f)).ifPresent(unplaced::add);
    }
    assertThat(unplaced).as("packages with no place in LEVELS and docs/architecture.md's picture").isEmpty();

    // Each package is a layer; the composition root (the root package alone) stands above them all.
    LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("root").definedBy(resideInAPackage(ROOT));
    for (List<String> level : LEVELS) {
      for (String feature : level) {
        layers = layers.layer(feature).definedBy(ROOT + "." + feature + "..");
      }
    }
    layers = layers.whereLayer("root").mayNotBeAccessedByAnyLayer();
    for (int i = 0; i < LEVELS.size(); i++) {
      List<String> above = new ArrayList<>(List.of("root"));
      LEVELS.subList(i + 1, LEVELS.size()).forEach(above::addAll);
      for (String feature : LEVELS.get(i)) {
        layers = layers.whereLayer(feature).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
      }
    }
    layers.because("a package may use the packages drawn below it, never one beside or above it (docs/architecture.md)").check(tandem);
  }

  @Test
  @DisplayName("LEVELS is the picture of docs/architecture.md, read from the document itself")
  void levelsAreThePicture() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "architecture.md"));
    int start = doc.indexOf("```", doc.indexOf("## Packages and who may use whom"));
    String picture = doc.substring(start + 3, doc.indexOf("```", start + 3));
    Set<String> packages = new HashSet<>();
    LEVELS.forEach(packages::addAll);
    // Each line of the picture names its packages as "name (what it is)"; read from the bottom up.
    List<Set<String>> drawn = new ArrayList<>();
    java.util.regex.Matcher name = java.util.regex.Pattern.compile("\\b([a-z]+) \\(").matcher("");
    List<String> lines = new ArrayList<>(List.of(picture.split("\n")));
    java.util.Collections.reverse(lines);
    for (String line : lines) {
      Set<String> level = new TreeSet<>();
      name.reset(line);
      while (name.find()) {
        level.add(name.group(1));
      }
      if (!level.isEmpty()) {
        drawn.add(level);
      }
    }
    assertThat(drawn).as("the picture, bottom up").isEqualTo(LEVELS.stream().<Set<String>>map(TreeSet::new).toList());
  }

  /** The feature a class belongs to: the package right under io.tandem; empty for the root package. */
  private static Optional<String> feature(JavaClass javaClass) {
    String name = javaClass.getPackageName();
    if (!name.startsWith(ROOT + ".")) {
      return Optional.empty();
    }
    String rest = name.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return Optional.of(dot < 0 ? rest : rest.substring(0, dot));
  }

  /**
   * Classes that write their feature's tables for it alone; other features go through the
   * feature's services or a narrow interface. (The owners other features do call are services,
   * not stores: money's Ledger, reliability's Penalties and Reliability, topic's Topics.)
   */
  private static final List<String> PRIVATE_STORES = List.of(
      "io.tandem.session.MessageStore", "io.tandem.webhook.WebhookStore", "io.tandem.matching.ShardLeases",
      "io.tandem.operator.Audit", "io.tandem.money.TopUps", "io.tandem.matching.MatchingQueries", "io.tandem.session.SessionQueries");

  /**
   * Classes that write SQL and that other features call by design: services that write for them
   * inside the caller's transaction (money's Ledger, reliability's Penalties and Reliability,
   * topic's Topics); the load-test Seeder, which bulk-writes for Gatling; and db's DatabaseOutages,
   * whose only write is a storage probe into a temporary table of its own connection.
   */
  private static final Set<String> SHARED_WRITERS = Set.of("Ledger", "Penalties", "Ratings", "Topics", "Seeder", "DatabaseOutages");

  @Test
  @DisplayName("a feature's repositories, private stores and every other class that writes SQL are used by its own feature only (and by the HTTP edge and the composition root), but the owners other features call, listed")
  void repositoriesStayInTheirFeature() {
    Set<JavaClass> stores = new HashSet<>();
    tandem.that(simpleNameEndingWith("Repository")).forEach(stores::add);
    PRIVATE_STORES.forEach(name -> stores.add(tandem.get(name)));
    Set<String> writers = new TreeSet<>();
    TableOwnershipTest.writers().values().forEach(writers::addAll);
    writers.removeAll(SHARED_WRITERS);
    assertThat(writers).as("classes that write SQL").contains("MessageStore", "WebhookStore", "Audit", "TopUps", "ShardLeases");
    for (String writer : writers) {
      List<JavaClass> found = tandem.stream().filter(c -> c.getSimpleName().equals(writer)).toList();
      assertThat(found).as("the class %s that writes SQL", writer).hasSize(1);
      stores.add(found.get(0));
    }
    for (JavaClass repository : stores) {
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

  /** The most lines a Java source file of the server may have: past it, a class has more than one job (issue 25). */
  private static final int MAX_LINES = 400;

  @Test
  @DisplayName("no Java file of the server is over 400 lines")
  void oneJobPerClass() throws IOException {
    Map<String, Long> tooLong = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        long lines = Files.readAllLines(file).size();
        if (lines > MAX_LINES) {
          tooLong.put(file.toString(), lines);
        }
      }
    }
    assertThat(tooLong).as("Java files over %d lines", MAX_LINES).isEmpty();
  }

  @Test
  @DisplayName("each configuration section's record lives in the feature it configures; the config package only loads and reads")
  void configurationInItsFeature() {
    List<String> recordsInConfig = tandem.stream()
        .filter(c -> c.getPackageName().equals(ROOT + ".config") && c.isRecord() && c.getEnclosingClass().isEmpty()).map(JavaClass::getName).toList();
    assertThat(recordsInConfig).as("configuration records in the config package rather than in their features").isEmpty();
    List<String> readElsewhere = tandem.stream()
        .filter(c -> c.isRecord() && c.getSimpleName().endsWith("Config") && !c.getName().equals(ROOT + ".TandemConfig"))
        .filter(c -> c.getDirectDependenciesFromSelf().stream()
            .noneMatch(d -> d.getTargetClass().getName().equals(ROOT + ".config.ConfigReader")))
        .map(JavaClass::getName).toList();
    assertThat(readElsewhere).as("configuration records that do not read themselves through the one ConfigReader").isEmpty();
  }

  @Test
  @DisplayName("work is moved onto a Vert.x context in bus.EventLoop alone")
  void oneContextHop() {
    noClasses().that().doNotHaveFullyQualifiedName("io.tandem.bus.EventLoop")
        .should().callMethod(io.vertx.core.Context.class, "runOnContext", io.vertx.core.Handler.class)
        .orShould().callMethod(io.vertx.core.Vertx.class, "runOnContext", io.vertx.core.Handler.class)
        .because("state belongs to one context; what runs where is decided in one helper (docs/architecture.md)")
        .check(tandem);
  }

  /**
   * The records that read themselves from a request's JSON, each called by the edges alone (routes,
   * frame handlers, the command line, the load-test seeder): the one way into a feature for JSON.
   */
  private static final List<String> INPUT_READERS = List.of(
      "io.tandem.matching.NewRequest", "io.tandem.expert.Offering", "io.tandem.expert.OfferingChange", "io.tandem.expert.ExpertProfile",
      "io.tandem.auth.Registration", "io.tandem.auth.HashPassword", "io.tandem.loadtest.Seeder");

  @Test
  @DisplayName("request JSON is read at the edges: services and repositories never take JsonInput")
  void inputReadAtTheEdges() {
    noClasses().that().resideOutsideOfPackages("io.tandem.wire..", "io.tandem.api..", "io.tandem.gateway..")
        .and(not(com.tngtech.archunit.base.DescribedPredicate.describe("an input reader",
            (JavaClass c) -> INPUT_READERS.contains(c.getName()) || INPUT_READERS.stream().anyMatch(r -> c.getName().startsWith(r + "$")))))
        .should().dependOnClassesThat().haveFullyQualifiedName("io.tandem.wire.JsonInput")
        .because("routes and frame handlers parse JSON into typed commands (docs/architecture.md)")
        .check(tandem);
  }

  /** Methods that hand a new connection its greeting: event frames of the catalogue (bus.ServerEvent), as they go out. */
  private static final Set<String> GREETINGS = Set.of("greeting", "clientConnected");

  @Test
  @DisplayName("services, repositories, stores and read models answer records, not JsonObject (but the greeting's event frames)")
  void typedAnswers() {
    List<String> json = new ArrayList<>();
    for (JavaClass c : tandem) {
      if (!c.getSimpleName().matches(".*(Service|Repository|Queries|Store|Directory|Views|Audit)") || c.getPackageName().startsWith(ROOT + ".api")) {
        continue;
      }
      c.getMethods().stream()
          .filter(m -> m.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.PUBLIC))
          .filter(m -> !m.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.STATIC))
          .filter(m -> !GREETINGS.contains(m.getName()))
          .filter(m -> m.getReturnType().getName().contains("JsonObject") || m.getReturnType().toString().contains("JsonObject"))
          .forEach(m -> json.add(c.getSimpleName() + "." + m.getName() + " returns " + m.getReturnType()));
    }
    assertThat(json).as("answers as JsonObject (render them at the edge, or from a record's toJson)").isEmpty();
  }
}
