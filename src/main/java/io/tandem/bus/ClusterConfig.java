package io.tandem.bus;

import io.tandem.config.ConfigReader;

import java.time.Duration;

/**
 * {@code name} separates clusters that can reach each other (it replaces the Hazelcast file's
 * cluster-name); {@code configFile} is a file path, else a classpath resource; {@code host} is
 * the address the clustered event bus binds and advertises. {@code lease} is how long a node's
 * heartbeat and its matching-shard leases last without renewal: a dead node's shards are taken
 * over, and its connections forgotten, within about that time.
 */
public record ClusterConfig(boolean enabled, String name, String configFile, String host, Duration lease) {
  public static ClusterConfig from(ConfigReader r) {
    return new ClusterConfig(r.bool("enabled"), r.nonEmptyString("name"), r.nonEmptyString("configFile"),
        r.nonEmptyString("host"), Duration.ofSeconds(r.intBetween("leaseSeconds", 2, 300)));
  }
}
