package io.tandem.session;

import io.tandem.auth.AuthenticatedUser;
import io.tandem.bus.UserEvents;
import io.tandem.kernel.BookingId;
import io.tandem.kernel.GeoPoint;
import io.tandem.kernel.Mode;
import io.tandem.kernel.RequestId;
import io.tandem.kernel.SessionId;
import io.tandem.kernel.SessionStatus;
import io.tandem.kernel.UserId;
import io.tandem.matching.SessionReady;
import io.tandem.money.Price;
import io.tandem.money.Pricing;
import io.tandem.wire.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live room of a session: joining, chat, WebRTC signals, typing, leaving and ending. Only the
 * session's client and expert get in. Chat is stored before it is acknowledged and then delivered
 * to both sides on their user addresses; signals and typing go to the peer only and are never stored.
 */
public final class RoomService {
  private static final Logger log = LoggerFactory.getLogger(RoomService.class);
  public static final int MAX_TEXT_LENGTH = 4000;
  /** Messages returned with a join; more are paged with GET /api/v1/sessions/{id}/messages. */
  public static final int JOIN_BACKLOG_LIMIT = 500;

  private final SessionReady sessionReady;
  private final Pricing pricing;
  private final SessionRepository sessions;
  private final SessionQueries queries;
  private final Joins joins;
  private final MessageStore messages;
  private final UserEvents events;
  private final RoomEvents room;
  private final Outcomes outcomes;
  private final Duration reconnectGrace;
  private final Duration aloneTimeout;
  private final Duration maxDuration;
  private final Duration endWarning;
  private final Duration typingInterval;
  private final int checkinRadiusMeters;
  /** Forgotten when a participant ends the session here; see {@link ParticipantCache}. */
  private final ParticipantCache participants = new ParticipantCache(MAX_CACHED);
  private static final int MAX_CACHED = 100_000;

  /** {@code sessionReady}: how a session is told to a participant (matching's shape, with their TURN credentials). */
  RoomService(SessionRepository sessions, SessionQueries queries, Joins joins, MessageStore messages, UserEvents events, Outcomes outcomes, SessionConfig config,
      SessionReady sessionReady, Pricing pricing) {
    this.sessionReady = sessionReady;
    this.pricing = pricing;
    this.sessions = sessions;
    this.queries = queries;
    this.joins = joins;
    this.messages = messages;
    this.events = events;
    this.room = new RoomEvents(events);
    this.outcomes = outcomes;
    this.reconnectGrace = config.reconnectGrace();
    this.aloneTimeout = config.aloneTimeout();
    this.maxDuration = config.maxDuration();
    this.endWarning = config.endWarning();
    this.typingInterval = config.typingInterval();
    this.checkinRadiusMeters = config.checkinRadiusMeters();
  }

  /**
   * The room as a participant finds it on joining: the session, the messages after what they had
   * (at most {@link #JOIN_BACKLOG_LIMIT}), and which of the two hold a connection.
   */
  public record Room(SessionRecord session, List<ChatMessage> messages, Set<UserId> online) {
    /**
     * The transcript's last seq: the truth even when it is below what the participant had, since a
     * transcript that went back must be seen to have gone back (docs/protocol.md), not papered over.
     * The session's, read first, or the page's last when a message came between the two reads; never
     * the page's alone, which a full page ({@link #JOIN_BACKLOG_LIMIT}) ends before the transcript
     * does, and a client told so would never ask for the rest.
     */
    public int lastSeq() {
      return messages.isEmpty() ? session.lastSeq() : Math.max(session.lastSeq(), messages.get(messages.size() - 1).seq());
    }
  }

  /** {@code room.join}: the participants with their online state and every message after {@code afterSeq}. */
  public Future<Room> join(AuthenticatedUser caller, RoomMembership membership, SessionId id, int afterSeq) {
    UserId user = caller.id();
    return joins.join(id, user, false).compose(joined -> {
      if (joined.isEmpty()) {
        return Future.failedFuture(refuse(caller, id, "join"));
      }
      SessionRecord session = joined.get().session();
      joined.get().late().ifPresent(p -> p.announce(events));
      participants.remember(session);
      if (session.open()) {
        membership.joined(id);
        UserId peer = session.peerOf(user).orElseThrow();
        room.presence(id, user, peer, joined.get().reconnected() ? "reconnected" : "joined");
        if (joined.get().started()) {
          log.info("session {} active: both participants joined", id);
          room.active(session);
        }
      }
      return Future.all(queries.messages(id, afterSeq, JOIN_BACKLOG_LIMIT), queries.connected(List.of(session.clientId(), session.expertId())))
          .map(both -> {
            Set<UserId> online = both.resultAt(1);
            online.add(user);
            return new Room(session, both.resultAt(0), online);
          });
    });
  }

  /** {@code room.send}: stored, then acknowledged with its seq, then delivered to both sides. */
  public Future<ChatMessage> send(AuthenticatedUser caller, SessionId id, String clientMsgId, String text) {
    return session(caller, id, "send to").compose(session -> messages.append(id, caller.id(), clientMsgId, text)
        .compose(stored -> {
          if (stored.isEmpty()) {
            return Future.failedFuture(ApiError.conflict("the session is over; messages can no longer be sent"));
          }
          // A resend is delivered again too: its first delivery may have been lost with a node, and a
          // connection never shows one seq twice.
          ChatMessage message = stored.get().message();
          room.message(session, message);
          return Future.succeededFuture(message);
        }));
  }

  /** {@code room.signal}: an opaque WebRTC signal (any JSON value), relayed to the peer only and never stored. */
  public Future<Void> signal(AuthenticatedUser caller, SessionId id, Object signal) {
    return session(caller, id, "signal in").map(session -> {
      UserId user = caller.id();
      room.signal(session.peerOf(user).orElseThrow(), id, user, signal);
      return null;
    });
  }

  /** {@code room.typing}: to the peer, at most once per {@code rooms.typingIntervalMs} per connection and room. */
  public Future<Void> typing(AuthenticatedUser caller, RoomMembership membership, SessionId id) {
    return session(caller, id, "type in").map(session -> {
      if (membership.mayType(id, System.nanoTime(), typingInterval.toNanos())) {
        UserId user = caller.id();
        room.typing(session.peerOf(user).orElseThrow(), id, user);
      }
      return null;
    });
  }

  /** {@code room.leave}: out of the room, the session goes on; joining again comes back. */
  public Future<Void> leave(AuthenticatedUser caller, RoomMembership membership, SessionId id) {
    return session(caller, id, "leave").compose(session -> sessions.leave(id, caller.id()).map(v -> {
      membership.left(id);
      room.presence(id, caller.id(), session.peerOf(caller.id()).orElseThrow(), "left");
      return null;
    }));
  }

  /**
   * {@code session.checkin}: for an in-person session, being within {@code session.checkinRadiusMeters}
   * of the meeting point (the expert's location at match time) is what joining means.
   */
  public Future<Void> checkIn(AuthenticatedUser caller, SessionId id, GeoPoint location) {
    return session(caller, id, "check in to").compose(session -> {
      if (session.mode() != Mode.IN_PERSON) {
        return Future.failedFuture(ApiError.badRequest("check-in is for in-person sessions; this one is " + session.mode().wireName()));
      }
      return queries.meetingPoint(id).compose(point -> {
        if (point.isEmpty()) {
          return Future.failedFuture(ApiError.badRequest("this session has no meeting point"));
        }
        long meters = Math.round(point.get().distanceKm(location) * 1000);
        if (meters > checkinRadiusMeters) {
          // The figures travel as fields too, so an app can say it in the user's language.
          return Future.failedFuture(ApiError.badRequest("you are " + meters + " m from the meeting point; check in within "
              + checkinRadiusMeters + " m").with("distanceMeters", meters).with("radiusMeters", checkinRadiusMeters));
        }
        return joins.join(id, caller.id(), true).compose(joined -> {
          if (joined.isPresent() && !joined.get().session().open()) {
            return Future.failedFuture(ApiError.conflict("the session is already " + joined.get().session().status()));
          }
          joined.ifPresent(j -> {
            j.late().ifPresent(p -> p.announce(events));
            room.presence(id, caller.id(), j.session().peerOf(caller.id()).orElseThrow(), "joined");
            if (j.started()) {
              log.info("in-person session {} active: both checked in", id);
              room.active(j.session());
            }
          });
          return Future.succeededFuture();
        });
      });
    });
  }

  /** What {@code session.end} found: the session as it is now, and whether this call ended it. */
  public record Ending(SessionRecord session, boolean endedNow) {}

  /** {@code session.end}: completes an active session (Outcomes); {@code session.ended} goes to both. */
  public Future<Ending> end(AuthenticatedUser caller, SessionId id) {
    UserId user = caller.id();
    return outcomes.endByParticipant(id, user).compose(ended -> {
      if (ended.isPresent()) {
        participants.forget(id);
        return Future.succeededFuture(new Ending(ended.get().session(), true));
      }
      return queries.find(id).compose(found -> {
        if (found.isEmpty() || !found.get().hasParticipant(user)) {
          return Future.failedFuture(refuse(caller, id, "end"));
        }
        if (found.get().status() == SessionStatus.WAITING) {
          return Future.failedFuture(ApiError.conflict("the session has not started: both participants must join first"));
        }
        return Future.succeededFuture(new Ending(found.get(), false));
      });
    });
  }

  /**
   * A connection closed: in each room it had joined, a participant with no connection left starts
   * their reconnect grace; if they are not back in time the session is abandoned by them.
   */
  public Future<Void> connectionClosed(AuthenticatedUser caller, RoomMembership membership) {
    Set<SessionId> joined = membership.close();
    if (joined.isEmpty()) {
      return Future.succeededFuture();
    }
    UserId user = caller.id();
    return Future.join(joined.stream().map(id -> sessions.dropped(id, user).map(dropped -> {
      dropped.ifPresent(session -> {
        log.info("participant {} of session {} dropped; the session ends without them in {} unless they return", user, id, reconnectGrace);
        room.presence(id, user, session.peerOf(user).orElseThrow(), "disconnected");
      });
      return null;
    })).toList()).mapEmpty();
  }

  /**
   * Repairs what a dead node could not do: participants who lost their node start their grace
   * (Outcomes' sweep ends the sessions they do not come back to); and warns both participants of a
   * session about to end by itself. Conditional writes make it safe on every node at once.
   */
  public Future<Void> sweep() {
    return sessions.droppedWithoutNotice()
        .map(dropouts -> {
          dropouts.forEach(d -> room.presence(d.session(), d.who(), d.peer(), "disconnected"));
          return null;
        })
        .compose(v -> warnEnding());
  }

  /**
   * Sessions nobody ends: both participants are told {@code session.ending} once,
   * {@code session.endWarningSeconds} ahead of the end by itself: one a participant left
   * (room.leave) while the other stayed, {@code session.aloneTimeoutSeconds} after the leave, and
   * any {@code session.maxMinutes} after it started (OutcomeTable decides the ending itself).
   */
  private Future<Void> warnEnding() {
    return sessions.warnEnding(aloneTimeout, maxDuration, endWarning)
        .map(endings -> {
          endings.forEach(e -> room.ending(e.session(), e.cause(), e.endsAt()));
          return null;
        });
  }

  /** The session, if the caller is one of its two participants; {@code forbidden} (and logged) otherwise. */
  private Future<SessionRecord> session(AuthenticatedUser caller, SessionId id, String what) {
    Optional<SessionRecord> cached = participants.get(id);
    Future<SessionRecord> found = cached.isPresent()
        ? Future.succeededFuture(cached.get())
        : queries.find(id).map(s -> {
          s.ifPresent(participants::remember);
          return s.orElse(null);
        });
    return found.compose(session -> {
      if (session == null || !session.hasParticipant(caller.id())) {
        return Future.failedFuture(refuse(caller, id, what));
      }
      return Future.succeededFuture(session);
    });
  }

  private static ApiError refuse(AuthenticatedUser caller, SessionId id, String what) {
    log.warn("user {} tried to {} session {} without being its participant", caller.id(), what, id);
    return ApiError.forbidden("you are not a participant of session " + id);
  }

  /**
   * The stored messages of a session after {@code afterSeq} (at most {@code limit}), for a
   * connection's delivery to hand on as live {@code room.message} events: what it reads when a
   * message it should have had live did not come (a publication lost while the reader moved to
   * another node). Participants only.
   */
  public Future<List<ChatMessage>> messagesAfter(AuthenticatedUser caller, SessionId id, int afterSeq, int limit) {
    return session(caller, id, "read").compose(s -> queries.messages(id, afterSeq, limit));
  }

  /**
   * What a new connection is told at once of the user's sessions still open: {@code session.ready}
   * for each, as at the match, so that a second device or a page just loaded finds its way back.
   */
  public Future<List<JsonObject>> greeting(AuthenticatedUser user) {
    return queries.liveOf(user.id()).map(live -> live.stream().map(l -> {
      SessionRecord s = l.session();
      UserId peer = s.peerOf(user.id()).orElseThrow();
      return sessionReady.event(s.id().value(), s.requestId() == null ? null : new RequestId(s.requestId()),
          s.booked() ? new BookingId(s.bookingId()) : null, s.mode(),
          new Price(s.price(), s.platformFee(), pricing.currency()), user.id(), peer, l.peerName(),
          s.clientId().equals(peer) ? "client" : "expert", s.joinDeadline()).frame();
    }).toList());
  }
}
