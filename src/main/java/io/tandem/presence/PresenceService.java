package io.tandem.presence;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.auth.Role;
import io.tandem.bus.Addresses;
import io.tandem.bus.PresenceMessages;
import io.tandem.bus.PresenceStatus;
import io.tandem.bus.UserEvents;
import io.tandem.expert.ExpertProfile;
import io.tandem.expert.ExpertProfiles;
import io.tandem.expert.Offering;
import io.tandem.expert.OfferingChange;
import io.tandem.kernel.ExpertSnapshot;
import io.tandem.kernel.UserId;
import io.tandem.reliability.Reliability;
import io.tandem.topic.Topics;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expert availability. An expert is online from {@code presence.online} until
 * {@code presence.offline}, or until they have had no connection for the reconnect grace period.
 * While they have no connection they stay online but get no offers. Every change is written to
 * PostgreSQL first, then published on {@code tandem.presence.changed} for the matching shards.
 */
public final class PresenceService {
  private static final Logger log = LoggerFactory.getLogger(PresenceService.class);

  private final Vertx vertx;
  private final PresenceRepository presence;
  private final ExpertProfiles profiles;
  private final UserEvents events;
  private final Duration reconnectGrace;
  private final Duration lease;
  private final String nodeId;
  private final Reliability reliability;
  private final Topics topics;

  /** {@code topics}: the catalogue the topics an expert names going online must be in (topics.listedOnly). */
  public PresenceService(Vertx vertx, PresenceRepository presence, ExpertProfiles profiles, UserEvents events,
      Duration reconnectGrace, Duration lease, String nodeId, Reliability reliability, Topics topics) {
    this.topics = topics;
    this.nodeId = nodeId;
    this.reliability = reliability;
    this.vertx = vertx;
    this.presence = presence;
    this.profiles = profiles;
    this.events = events;
    this.reconnectGrace = reconnectGrace;
    this.lease = lease;
  }

  /** {@code presence.online}: the frame's fields, the saved profile for the ones left out. */
  public Future<Void> goOnline(AuthenticatedUser caller, OfferingChange change) {
    UserId expert = expertOnly(caller, "go online");
    return reliability.suspendedUntil(expert)
        .compose(suspended -> {
          if (suspended.isPresent()) {
            events.send(expert, PresenceStatus.suspended(suspended.get()));
            return Future.failedFuture(ApiError.forbidden("you are suspended until " + suspended.get() + " and get no offers until then")
                .with("reason", "suspended").with("suspendedUntil", suspended.get().toString()));
          }
          return profiles.find(expert);
        })
        .compose(profile -> {
          Offering offering = change.over(profile.map(ExpertProfile::offering));
          // The topics named now; the saved profile's were checked when it was saved.
          change.topics().ifPresent(named -> named.forEach(topic -> topics.requireListed("topics", topic)));
          return presence.goOnline(expert, offering);
        })
        .map(snapshot -> {
          publish(snapshot);
          events.send(expert, PresenceStatus.online());
          log.info("expert {} online for {} ({} at a time)", expert, snapshot.topics(), snapshot.capacity());
          return null;
        });
  }

  /** {@code presence.offline}. */
  public Future<Void> goOffline(AuthenticatedUser caller) {
    UserId expert = expertOnly(caller, "go offline");
    return presence.goOffline(expert, "requested").map(changed -> {
      if (changed) {
        PresenceMessages.announceOffline(events, expert, PresenceStatus.offline(null));
        log.info("expert {} offline", expert);
      }
      return null;
    });
  }

  /**
   * What a new connection of an expert is told at once: {@code presence.status} as the server has
   * it (online on any device of theirs, offline and why, or suspended until when), so that every
   * device shows the same, a page just loaded too.
   */
  private static final java.util.Set<String> TOLD_REASONS = java.util.Set.of("missed_offers", "disconnected");

  public Future<List<JsonObject>> greeting(AuthenticatedUser user) {
    if (user.role() != Role.EXPERT) {
      return Future.succeededFuture(List.of());
    }
    return Future.all(reliability.suspendedUntil(user.id()), presence.standing(user.id())).map(both -> {
      Optional<java.time.Instant> suspended = both.resultAt(0);
      PresenceRepository.Standing standing = both.resultAt(1);
      PresenceStatus status = suspended.map(PresenceStatus::suspended)
          .orElseGet(() -> standing.online() ? PresenceStatus.online()
              // Why, when it was not their own choice: the reasons presence.status names (a suspension over is no reason now).
              : PresenceStatus.offline(standing.offlineReason().filter(TOLD_REASONS::contains).orElse(null)));
      return List.of(status.frame());
    });
  }

  public Future<Void> connected(AuthenticatedUser user, UUID connectionId) {
    if (user.role() != Role.EXPERT) {
      return presence.registerConnection(connectionId, user.id(), nodeId);
    }
    return presence.registerExpertConnection(connectionId, user.id(), nodeId).map(back -> {
      back.ifPresent(snapshot -> {
        log.info("expert {} reconnected within the grace period", user.id());
        publish(snapshot);
      });
      return null;
    });
  }

  /**
   * A connection closed; true when it was the user's last. An expert with no connection left gets
   * no offers from now on and goes offline unless they come back within {@code session.reconnectGraceSeconds};
   * {@code silent}: it was closed because nothing was heard from it: the offers it had on screen
   * were never seen, and go to the next expert at once (a reconnect within the grace keeps them otherwise).
   */
  public Future<Boolean> disconnected(AuthenticatedUser user, UUID connectionId, boolean silent) {
    Future<Boolean> unregistered = presence.unregisterConnection(connectionId);
    if (user.role() != Role.EXPERT) {
      return unregistered;
    }
    return unregistered.compose(lastOne -> presence.markDisconnected(user.id()).map(gone -> {
      gone.ifPresent(snapshot -> {
        log.info("expert {} lost their last connection{}; offline in {} unless they return", user.id(), silent ? " (silent)" : "",
            reconnectGrace);
        vertx.eventBus().publish(Addresses.PRESENCE_CHANGED, silent ? PresenceMessages.silent(snapshot) : PresenceMessages.online(snapshot));
      });
      return lastOne;
    }));
  }

  /**
   * Repairs what timers on a dead node would have done: forgets its connections, starts the
   * grace of experts left with none (by a dead node, or one killed halfway through its shutdown),
   * ends it for those who have one after all, and takes offline those whose grace ran out. Every step is a
   * conditional write, so running it on every node at once is harmless. The users whose
   * connections were forgotten, for whom else it concerns (a waiting client is away from now on).
   */
  public Future<List<UserId>> sweep() {
    return presence.forgetConnectionsOfDeadNodes(lease, nodeId)
        .compose(orphaned -> presence.markAllReconnected()
            .compose(back -> {
              back.forEach(this::publish);
              return presence.markAllDisconnected();
            })
            .compose(graceStarted -> {
              graceStarted.forEach(this::publish);
              return presence.expireDisconnected(reconnectGrace);
            })
            .map(expired -> {
              expired.forEach(this::wentOfflineDisconnected);
              return orphaned.stream().distinct().toList();
            }));
  }

  private void wentOfflineDisconnected(UserId expert) {
    log.info("expert {} offline: not back within the reconnect grace", expert);
    PresenceMessages.announceOffline(events, expert, PresenceStatus.offline("disconnected"));
  }

  private void publish(ExpertSnapshot snapshot) {
    vertx.eventBus().publish(Addresses.PRESENCE_CHANGED, PresenceMessages.online(snapshot));
  }

  /** Only experts go online: the edges ask first, before reading the rest of the frame. */
  public static void requireExpert(AuthenticatedUser caller) {
    expertOnly(caller, "go online");
  }

  private static UserId expertOnly(AuthenticatedUser caller, String what) {
    if (caller.role() != Role.EXPERT) {
      throw ApiError.forbidden("only experts may " + what);
    }
    return caller.id();
  }
}
