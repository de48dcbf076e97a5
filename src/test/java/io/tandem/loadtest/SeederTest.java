package io.tandem.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.testing.RunningNode;
import io.tandem.testing.TestClient.Response;
import io.tandem.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SeederTest {
  @Test
  @DisplayName("with loadTest.seedEnabled, one call creates clients with balances and experts with profiles, tokens included")
  void seeds() {
    try (RunningNode node = RunningNode.start(TestConfig.with(Map.of("loadTest.seedEnabled", "true")))) {
      String prefix = "lt" + UUID.randomUUID().toString().substring(0, 8);
      JsonObject body = new JsonObject().put("prefix", prefix).put("clients", 3).put("experts", 2)
          .put("topics", new JsonArray().add("career")).put("capacity", 2);
      Response seeded = node.http().post("/api/v1/loadtest/seed", body);
      assertThat(seeded.status()).isEqualTo(201);
      JsonArray clients = seeded.json().getJsonArray("clients");
      JsonArray experts = seeded.json().getJsonArray("experts");
      assertThat(clients).hasSize(3);
      assertThat(experts).hasSize(2);
      Response me = node.http().get("/api/v1/me", clients.getJsonObject(0).getString("accessToken"));
      assertThat(me.json().getString("role")).isEqualTo("client");
      assertThat(me.json().getLong("balance")).isEqualTo(10000);
      String expert = experts.getJsonObject(0).getString("id");
      assertThat(node.http().get("/api/v1/experts/" + expert, clients.getJsonObject(0).getString("accessToken"))
          .json().getJsonArray("topics")).containsExactly("career");
      assertThat(node.http().post("/api/v1/tokens", new JsonObject().put("username", prefix + "-e-1")
          .put("password", seeded.json().getString("password"))).status()).isEqualTo(200);
      assertThat(node.http().post("/api/v1/loadtest/seed", body).status()).as("a prefix is used once").isEqualTo(409);
    }
  }

  @Test
  @DisplayName("seeding does not exist unless enabled")
  void offByDefault() {
    try (RunningNode node = RunningNode.start(TestConfig.defaults())) {
      assertThat(node.http().post("/api/v1/loadtest/seed", new JsonObject().put("prefix", "x").put("clients", 1)).status()).isEqualTo(404);
    }
  }
}
