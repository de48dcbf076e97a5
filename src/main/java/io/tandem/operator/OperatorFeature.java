package io.tandem.operator;

import io.tandem.auth.AccountSuspensions;
import io.tandem.bus.UserEvents;
import io.tandem.matching.RequestService;
import io.tandem.money.MoneyFeature;
import io.tandem.reliability.Penalties;
import io.tandem.reliability.ReliabilityFeature;
import io.tandem.session.SessionFeature;
import io.tandem.topic.Topics;
import io.vertx.sqlclient.Pool;

/** The operator console's reads, the actions that put things right, and their audit log; and the topic catalogue it edits. */
public record OperatorFeature(OperatorViews views, OperatorActions actions, Audit audit, Topics topics) {
  /** {@code suspensions} and {@code offline}: an account's suspension (auth's) and taking an expert offline (presence's). */
  public static OperatorFeature build(Pool pool, MoneyFeature money, ReliabilityFeature reliability, SessionFeature sessions,
      RequestService requests, AccountSuspensions suspensions, Penalties.Suspension offline, UserEvents events, Topics topics) {
    Audit audit = new Audit(pool);
    return new OperatorFeature(
        new OperatorViews(pool, money.statements(), reliability.reliability(), reliability.ratings(), sessions.views(), audit),
        new OperatorActions(pool, requests, sessions.outcomes(), reliability.penalties(), suspensions, offline, money.pricing(), events,
            topics, reliability.ratings()),
        audit,
        topics);
  }
}
