package io.tandem.mail;

import io.tandem.config.ConfigReader;
import java.util.List;

/**
 * Sending e-mail ({@code mail.*}; docs/operations.md, "E-mail"): off while {@code smtp.host} is
 * empty. {@code startTls}: {@code required} (never send in clear), {@code optional} (when the
 * server offers it) or {@code disabled}; {@code username} empty means no login. {@code from} is the
 * sender people see; {@code appUrl} is where the app is reached, for the links in the mails.
 */
public record MailConfig(String host, int port, String startTls, String username, String password, String from, String appUrl) {
  private static final List<String> START_TLS = List.of("required", "optional", "disabled");

  public boolean enabled() {
    return !host.isEmpty();
  }

  public static MailConfig from(ConfigReader r) {
    ConfigReader smtp = r.section("smtp");
    String startTls = smtp.string("startTls");
    if (!START_TLS.contains(startTls)) {
      throw smtp.problem("startTls", "must be one of " + String.join(", ", START_TLS) + ", got " + startTls);
    }
    return new MailConfig(smtp.string("host"), smtp.intBetween("port", 1, 65535), startTls, smtp.string("username"),
        smtp.string("password"), r.nonEmptyString("from"), r.nonEmptyString("appUrl").replaceAll("/+$", ""));
  }
}
