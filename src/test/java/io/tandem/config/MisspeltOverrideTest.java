package io.tandem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the start-up warning about an override that names no key suggests instead. */
class MisspeltOverrideTest {
  private static final Set<String> KNOWN = Set.of("TANDEM_HTTP_ALLOWED_ORIGINS", "TANDEM_DB_EMBEDDED_DATA_DIR", "TANDEM_MAIL_APP_URL",
      "TANDEM_HTTP_PORT");

  @Test
  @DisplayName("a name with its word breaks elsewhere, or two letters off, gets the key meant; a name far from any gets nothing")
  void suggestsTheKeyMeant() {
    assertThat(ConfigLoader.meant("TANDEM_HTTP_ALLOWEDORIGINS", KNOWN)).isEqualTo("; did you mean TANDEM_HTTP_ALLOWED_ORIGINS?");
    assertThat(ConfigLoader.meant("TANDEM_DB_EMBEDDED_DATADIR", KNOWN)).isEqualTo("; did you mean TANDEM_DB_EMBEDDED_DATA_DIR?");
    assertThat(ConfigLoader.meant("TANDEM_MAIL_APPURL", KNOWN)).isEqualTo("; did you mean TANDEM_MAIL_APP_URL?");
    assertThat(ConfigLoader.meant("TANDEM_HTTP_PROT", KNOWN)).isEqualTo("; did you mean TANDEM_HTTP_PORT?");
    assertThat(ConfigLoader.meant("TANDEM_WEBHOOKS_SECRET", KNOWN)).isEmpty();
  }
}
