// Tandem browser SDK: ES modules, no dependencies, no build step. This one is what apps import; it
// holds the types and re-exports the classes, one module each (client.js: Tandem, the socket and
// events; tokens.js: the signed-in user's tokens; room.js, offer.js, call.js; support.js: what they
// share). docs/sdk.md is its manual; docs/protocol.md is the wire contract it speaks.
//
//   import { Tandem, TandemError, Call } from '/sdk/tandem.js';
//
// What it takes off the app's hands: tokens kept across reloads and refreshed silently, one
// WebSocket that comes back by itself, request/answer pairing over that socket (cid), rooms whose
// transcript holds every message exactly once in seq order across drops, offers with a countdown
// on the server's clock, and WebRTC calls signalled through the room.
//
// Members whose names start with '_' (marked @internal) are not part of the API: they may change.

// ---------------------------------------------------------------------------------------------
// Types (JSDoc). Server events carry exactly the fields of docs/protocol.md; fields added by the
// server later pass through untouched.
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} TandemOptions
 * @property {string} [baseUrl] origin of the server, '' (default) for the page's own origin
 * @property {Storage} [storage] where tokens survive a reload; default window.localStorage,
 *   or memory when there is none; once it refuses a write (full, blocked), the page goes on in memory
 * @property {number} [ackTimeoutMs] how long send() waits for its answer (default 15000)
 */

/** @typedef {'client'|'expert'|'admin'} Role */
/** @typedef {{lat: number, lng: number}} GeoLocation */

/**
 * @typedef {object} User  GET /api/v1/me
 * @property {string} id
 * @property {string} username
 * @property {Role} role
 * @property {string} displayName
 * @property {number} balance minor units
 */

/**
 * @typedef {object} SignUpFields
 * @property {string} username 3-32 of letters, digits, '.', '_', '-'
 * @property {string} password 8-128 characters
 * @property {'client'|'expert'} role
 * @property {string} displayName 1-64 characters
 */

/** @typedef {'connecting'|'open'|'closed'} ConnectionState */

/**
 * @typedef {object} ConnectionEvent  'connection'
 * @property {ConnectionState} state
 * @property {number} [retryInMs] with 'closed' while the SDK will reconnect: the wait before the next try
 */

/**
 * @typedef {object} SignedOutEvent  'signedOut'
 * @property {'signOut'|'expired'|'elsewhere'} reason signOut(): the app asked; expired: the
 *   refresh token was refused; elsewhere: another tab of this origin signed out
 */

/**
 * @typedef {object} ChatMessage  one transcript entry (room.messages, room 'message')
 * @property {number} seq 1, 2, 3... per session, no gaps
 * @property {string} from user id of the author
 * @property {string} text
 * @property {string} sentAt ISO-8601, the server's time of storing it
 * @property {string} clientMsgId the author's idempotency key for it
 */

/**
 * @typedef {object} Participant
 * @property {string} userId
 * @property {'client'|'expert'|null} role null for a user seen only in a presence event so far
 * @property {boolean} online
 */

/**
 * @typedef {object} RoomJoinAck  the answer to room.join (after the SDK merged it)
 * @property {string} sessionId
 * @property {string} status the session's status
 * @property {Participant[]} participants
 * @property {ChatMessage[]} messages the messages this join brought (after afterSeq)
 * @property {number} lastSeq the session's latest seq
 */

/**
 * @typedef {object} PendingMessage  a room.send not yet acknowledged
 * @property {string} clientMsgId
 * @property {string} text
 * @property {number} createdAt local Date.now() when send() was called
 */

/**
 * @typedef {object} SentAck  what room.send() resolves with
 * @property {number} seq
 * @property {string} sentAt
 * @property {string} clientMsgId
 */

/**
 * @typedef {object} OfferEvent  the raw 'offer' frame (the SDK hands the app an Offer instead)
 * @property {string} offerId
 * @property {string} requestId
 * @property {string} topic
 * @property {'chat'|'video'|'in_person'} mode
 * @property {number|null} distanceKm
 * @property {string|null} brief
 * @property {{displayName: string}} client
 * @property {string} expiresAt ISO-8601, the server's clock
 * @property {number} [expiresInMs] the time left when the server sent it
 */
/** @typedef {{offerId: string, reason: 'timeout'|'cancelled'|'expired'|'taken'}} OfferRevokedEvent */
/** @typedef {{status: 'online'|'offline'|'suspended', reason?: string, suspendedUntil?: string}} PresenceStatusEvent */
/**
 * etaSeconds is null when nobody can take the request, and reason says why ('no_expert_online',
 * 'none_in_range', 'declined_by_all'; 'all_busy' comes with an ETA); mode comes when an in-person
 * request fell back to its fallbackMode.
 * @typedef {{requestId: string, status: string, position?: number, etaSeconds?: number|null, reason?: string, mode?: string}} RequestStatusEvent
 */
/** @typedef {{requestId: string, sessionId: string, expert: {id: string, displayName: string, rating: number}, joinDeadline: string}} RequestMatchedEvent */
/** @typedef {{requestId: string}} RequestExpiredEvent */
/**
 * @typedef {object} SessionReadyEvent  also what tandem.sessionInfo(sessionId) returns
 * @property {string} sessionId
 * @property {string} requestId
 * @property {'chat'|'video'|'in_person'} mode
 * @property {{id: string, displayName: string, role: 'client'|'expert'}} peer
 * @property {string} joinDeadline
 * @property {RTCIceServer[]} iceServers
 */
/** @typedef {ChatMessage & {sessionId: string}} RoomMessageEvent */
/** @typedef {{sessionId: string, from: string, signal: any}} RoomSignalEvent */
/** @typedef {{sessionId: string, userId: string, state: 'joined'|'left'|'disconnected'|'reconnected'}} RoomPresenceEvent */
/** @typedef {{sessionId: string, from: string}} RoomTypingEvent */
/** @typedef {{sessionId: string, status: string, endedBy?: string, durationSeconds: number, reason?: 'alone'|'max_duration'}} SessionEndedEvent */
/** @typedef {{sessionId: string, reason: 'alone'|'max_duration', endsAt: string}} SessionEndingEvent */
/** @typedef {{kind: string, points: number, reason: string, sessionId?: string, waived: boolean}} PenaltyEvent */
/** @typedef {{sessionId: string, from: string}} CallIncomingEvent */
/** @typedef {{sessionId: string}} CallEndedEvent */
/** @typedef {{code: string, message: string}} ErrorEvent  an 'error' frame that answers no cid */

/**
 * Event type -> what a tandem.on() handler receives. (An object-literal type because the
 * protocol's event names contain dots, which a property tag would read as nesting.)
 * @typedef {{
 *   'offer': import('./offer.js').Offer,
 *   'offer.revoked': OfferRevokedEvent,
 *   'presence.status': PresenceStatusEvent,
 *   'request.status': RequestStatusEvent,
 *   'request.matched': RequestMatchedEvent,
 *   'request.expired': RequestExpiredEvent,
 *   'session.ready': SessionReadyEvent,
 *   'room.message': RoomMessageEvent,
 *   'room.signal': RoomSignalEvent,
 *   'room.presence': RoomPresenceEvent,
 *   'room.typing': RoomTypingEvent,
 *   'session.ending': SessionEndingEvent,
 *   'session.ended': SessionEndedEvent,
 *   'penalty': PenaltyEvent,
 *   'connection': ConnectionEvent,
 *   'signedOut': SignedOutEvent,
 *   'signedIn': User,
 *   'call.incoming': CallIncomingEvent,
 *   'call.ended': CallEndedEvent,
 *   'error': ErrorEvent,
 * }} TandemEvents
 */

/**
 * @typedef {object} RoomEvents
 * @property {ChatMessage} message a message new to room.messages (never one it already held)
 * @property {RoomPresenceEvent} presence
 * @property {RoomTypingEvent} typing
 * @property {RoomSignalEvent} signal
 * @property {SessionEndedEvent} ended
 * @property {{sessionId: string, startedAt: string}} active both joined (or checked in): the session started
 * @property {PendingMessage[]} pending the unacknowledged sends, whenever that list changes (kept across reloads)
 * @property {RoomJoinAck} joined after every successful (re-)join
 * @property {{afterSeq: number}} rewound the server's transcript went back: messages above afterSeq were dropped
 * @property {import('./support.js').TandemError} error the room could not be (re-)joined (forbidden, not_found...)
 */

/** @typedef {'new'|'connecting'|'connected'|'disconnected'|'failed'|'closed'} CallState */

/**
 * @typedef {object} CallOptions
 * @property {RTCIceServer[]} [iceServers] default: the session.ready iceServers of the room's session
 * @property {RTCIceTransportPolicy} [iceTransportPolicy] 'all' (default) or 'relay' (TURN only)
 * @property {boolean} [video] default true
 * @property {boolean} [audio] default true
 * @property {boolean} [polite] default: true for the expert, false for the client
 */

/**
 * @typedef {object} CallEvents
 * @property {CallState} state
 * @property {MediaStream} remoteStream the peer's stream, each time a track joins it
 * @property {{by: 'me'|'peer'|'session'|'signedOut'}} ended
 */

// ---------------------------------------------------------------------------------------------
// The classes, one module each (no build step: the browser loads them as they are).
// ---------------------------------------------------------------------------------------------

export { TandemError } from './support.js';
export { Tandem } from './client.js';
export { Room } from './room.js';
export { Offer } from './offer.js';
export { Call } from './call.js';
