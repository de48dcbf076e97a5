package io.tandem.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The server's events: the catalogue in the code and the contract's list are the same set. */
class ServerEventCatalogueTest {
  @Test
  @DisplayName("every ServerEvent is an event.* message of the AsyncAPI document, and every event.* message a ServerEvent")
  void catalogueIsTheContracts() throws Exception {
    JsonObject asyncApi = new JsonObject(Files.readString(Path.of("src", "main", "resources", "contract", "asyncapi.json")));
    Set<String> documented = asyncApi.getJsonObject("components").getJsonObject("messages").fieldNames().stream()
        .filter(name -> name.startsWith("event."))
        .map(name -> name.substring("event.".length()))
        .collect(Collectors.toSet());
    assertThat(documented).as("the contract's events").isNotEmpty();
    assertThat(ServerEvent.wireNames()).isEqualTo(documented);
  }
}
