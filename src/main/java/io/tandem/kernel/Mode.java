package io.tandem.kernel;

import java.util.Arrays;
import java.util.Optional;

/** How a consultation takes place. */
public enum Mode {
  CHAT("chat"),
  VIDEO("video"),
  IN_PERSON("in_person");

  private final String wireName;

  Mode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<Mode> fromWire(String name) {
    return Arrays.stream(values()).filter(m -> m.wireName.equals(name)).findFirst();
  }
}
