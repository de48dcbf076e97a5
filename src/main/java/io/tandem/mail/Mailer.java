package io.tandem.mail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

/** Sends e-mail through the configured SMTP server, or, with none configured, sends nothing ({@link #enabled()} false). */
public final class Mailer {
  private final MailClient client;
  private final MailConfig config;

  private Mailer(MailClient client, MailConfig config) {
    this.client = client;
    this.config = config;
  }

  /** A mailer for {@code config}: one SMTP client per node, its connections pooled; none when mail is off. */
  public static Mailer create(Vertx vertx, MailConfig config) {
    if (!config.enabled()) {
      return new Mailer(null, config);
    }
    io.vertx.ext.mail.MailConfig smtp = new io.vertx.ext.mail.MailConfig()
        .setHostname(config.host())
        .setPort(config.port())
        .setStarttls(StartTLSOptions.valueOf(config.startTls().toUpperCase(java.util.Locale.ROOT)))
        .setLogin(config.username().isEmpty() ? LoginOption.DISABLED : LoginOption.REQUIRED)
        .setUsername(config.username().isEmpty() ? null : config.username())
        .setPassword(config.password().isEmpty() ? null : config.password());
    return new Mailer(MailClient.create(vertx, smtp), config);
  }

  public boolean enabled() {
    return client != null;
  }

  /** Where the app is reached, for links in mails. */
  public String appUrl() {
    return config.appUrl();
  }

  /** Hands {@code mail} to the SMTP server; succeeds once the server accepted it. Nothing is sent when mail is off. */
  public Future<Void> send(Mail mail) {
    if (client == null) {
      return Future.succeededFuture();
    }
    MailMessage message = new MailMessage().setFrom(config.from()).setTo(mail.to()).setSubject(mail.subject()).setText(mail.text())
        .addHeader("Message-ID", "<" + mail.messageId() + ">");
    return client.sendMail(message).mapEmpty();
  }

  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
