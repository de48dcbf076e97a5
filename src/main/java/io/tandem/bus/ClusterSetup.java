package io.tandem.bus;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.tandem.config.ConfigException;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Hazelcast configuration behind the clustered event bus. */
public final class ClusterSetup {
  private ClusterSetup() {}

  /** Reads {@code cluster.configFile} (a file, else a classpath resource) and applies {@code cluster.name}. */
  public static Config hazelcastConfig(ClusterConfig cluster) {
    Path file = Path.of(cluster.configFile());
    boolean onDisk = Files.isRegularFile(file);
    if (!onDisk && ClusterSetup.class.getClassLoader().getResource(cluster.configFile()) == null) {
      throw new ConfigException("configuration key cluster.configFile: no file or classpath resource " + cluster.configFile());
    }
    try {
      Config config = onDisk ? new FileSystemXmlConfig(file.toFile()) : new ClasspathXmlConfig(cluster.configFile());
      return config.setClusterName(cluster.name());
    } catch (FileNotFoundException | RuntimeException e) {
      throw new ConfigException("configuration key cluster.configFile: " + cluster.configFile()
          + " is not a valid Hazelcast configuration: " + e.getMessage());
    }
  }
}
