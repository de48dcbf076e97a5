package io.tandem.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryXmlConfig;
import com.hazelcast.config.JoinConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cluster.xml that deploy/kubernetes mounts over the image's own: a configuration Hazelcast
 * accepts, members found through the headless Service, and otherwise the same as conf/cluster.xml,
 * so that the two cannot drift apart unseen.
 */
class KubernetesClusterConfigTest {
  private static final Path MANIFEST = Path.of("deploy/kubernetes/cluster-config.yaml");

  /** The cluster.xml block of the ConfigMap, as the pod sees the file. */
  private static String mountedXml() throws IOException {
    List<String> lines = Files.readAllLines(MANIFEST);
    int start = lines.indexOf("  cluster.xml: |") + 1;
    assertThat(start).as("the ConfigMap's cluster.xml key").isPositive();
    return lines.subList(start, lines.size()).stream()
        .map(line -> line.startsWith("    ") ? line.substring(4) : line.strip())
        .collect(Collectors.joining("\n"));
  }

  @Test
  @DisplayName("Hazelcast accepts it, and it finds members through the headless Service's DNS name only")
  void kubernetesDiscovery() throws IOException {
    Config config = new InMemoryXmlConfig(mountedXml());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).startsWith("tandem-hazelcast.");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).as("no 127.0.0.1 binding").isFalse();
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
  }

  @Test
  @DisplayName("apart from <network>, the same as conf/cluster.xml: the Vert.x maps, the heartbeat, the cluster name")
  void inStepWithTheDefault() throws IOException {
    String ours = withoutNetwork(Files.readString(Path.of("conf/cluster.xml")));
    String theirs = withoutNetwork(mountedXml());
    assertThat(theirs).isEqualTo(ours);
  }

  /** From the {@code <hazelcast} element on, its {@code <network>} left out, lines trimmed. */
  private static String withoutNetwork(String xml) {
    String body = xml.substring(xml.indexOf("<hazelcast "));
    body = body.substring(0, body.indexOf("<network>")) + body.substring(body.indexOf("</network>") + "</network>".length());
    return body.lines().map(String::strip).filter(line -> !line.isEmpty()).collect(Collectors.joining("\n"));
  }
}
