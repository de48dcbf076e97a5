// Generated from the JSDoc of tandem.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
export { TandemError } from "./support.js";
export { Tandem } from "./client.js";
export { Room } from "./room.js";
export { Offer } from "./offer.js";
export { Call } from "./call.js";
export type TandemOptions = {
    /**
     * origin of the server, '' (default) for the page's own origin
     */
    baseUrl?: string | undefined;
    /**
     * where tokens survive a reload; default window.localStorage,
     * or memory when there is none; once it refuses a write (full, blocked), the page goes on in memory
     */
    storage?: Storage | undefined;
    /**
     * how long send() waits for its answer (default 15000)
     */
    ackTimeoutMs?: number | undefined;
};
export type Role = "client" | "expert" | "admin";
export type GeoLocation = {
    lat: number;
    lng: number;
};
/**
 * GET /api/v1/me
 */
export type User = {
    id: string;
    username: string;
    role: Role;
    displayName: string;
    /**
     * minor units
     */
    balance: number;
};
export type SignUpFields = {
    /**
     * 3-32 of letters, digits, '.', '_', '-'
     */
    username: string;
    /**
     * 8-128 characters
     */
    password: string;
    role: "client" | "expert";
    /**
     * 1-64 characters
     */
    displayName: string;
};
export type ConnectionState = "connecting" | "open" | "closed";
/**
 * 'connection'
 */
export type ConnectionEvent = {
    state: ConnectionState;
    /**
     * with 'closed' while the SDK will reconnect: the wait before the next try
     */
    retryInMs?: number | undefined;
};
/**
 * 'signedOut'
 */
export type SignedOutEvent = {
    /**
     * signOut(): the app asked; expired: the
     * refresh token was refused; elsewhere: another tab of this origin signed out
     */
    reason: "signOut" | "expired" | "elsewhere";
};
/**
 * one transcript entry (room.messages, room 'message')
 */
export type ChatMessage = {
    /**
     * 1, 2, 3... per session, no gaps
     */
    seq: number;
    /**
     * user id of the author
     */
    from: string;
    text: string;
    /**
     * ISO-8601, the server's time of storing it
     */
    sentAt: string;
    /**
     * the author's idempotency key for it
     */
    clientMsgId: string;
};
export type Participant = {
    userId: string;
    /**
     * null for a user seen only in a presence event so far
     */
    role: "client" | "expert" | null;
    online: boolean;
};
/**
 * the answer to room.join (after the SDK merged it)
 */
export type RoomJoinAck = {
    sessionId: string;
    /**
     * the session's status
     */
    status: string;
    participants: Participant[];
    /**
     * the messages this join brought (after afterSeq)
     */
    messages: ChatMessage[];
    /**
     * the session's latest seq
     */
    lastSeq: number;
};
/**
 * a room.send not yet acknowledged
 */
export type PendingMessage = {
    clientMsgId: string;
    text: string;
    /**
     * local Date.now() when send() was called
     */
    createdAt: number;
};
/**
 * what room.send() resolves with
 */
export type SentAck = {
    seq: number;
    sentAt: string;
    clientMsgId: string;
};
/**
 * the raw 'offer' frame (the SDK hands the app an Offer instead)
 */
export type OfferEvent = {
    offerId: string;
    requestId: string;
    topic: string;
    mode: "chat" | "video" | "in_person";
    distanceKm: number | null;
    brief: string | null;
    client: {
        displayName: string;
    };
    /**
     * ISO-8601, the server's clock
     */
    expiresAt: string;
    /**
     * the time left when the server sent it
     */
    expiresInMs?: number | undefined;
};
export type OfferRevokedEvent = {
    offerId: string;
    reason: "timeout" | "cancelled" | "expired" | "taken";
};
export type PresenceStatusEvent = {
    status: "online" | "offline" | "suspended";
    reason?: string;
    suspendedUntil?: string;
};
/**
 * etaSeconds is null when nobody can take the request, and reason says why ('no_expert_online',
 * 'none_in_range', 'declined_by_all'; 'all_busy' comes with an ETA); mode comes when an in-person
 * request fell back to its fallbackMode.
 */
export type RequestStatusEvent = {
    requestId: string;
    status: string;
    position?: number;
    etaSeconds?: number | null;
    reason?: string;
    mode?: string;
};
export type RequestMatchedEvent = {
    requestId: string;
    sessionId: string;
    expert: {
        id: string;
        displayName: string;
        rating: number;
    };
    joinDeadline: string;
};
export type RequestExpiredEvent = {
    requestId: string;
};
/**
 * also what tandem.sessionInfo(sessionId) returns
 */
export type SessionReadyEvent = {
    sessionId: string;
    requestId: string;
    mode: "chat" | "video" | "in_person";
    peer: {
        id: string;
        displayName: string;
        role: "client" | "expert";
    };
    joinDeadline: string;
    iceServers: RTCIceServer[];
};
export type RoomMessageEvent = ChatMessage & {
    sessionId: string;
};
export type RoomSignalEvent = {
    sessionId: string;
    from: string;
    signal: any;
};
export type RoomPresenceEvent = {
    sessionId: string;
    userId: string;
    state: "joined" | "left" | "disconnected" | "reconnected";
};
export type RoomTypingEvent = {
    sessionId: string;
    from: string;
};
export type SessionEndedEvent = {
    sessionId: string;
    status: string;
    endedBy?: string;
    durationSeconds: number;
    reason?: "alone" | "max_duration";
};
export type SessionEndingEvent = {
    sessionId: string;
    reason: "alone" | "max_duration";
    endsAt: string;
};
export type PenaltyEvent = {
    kind: string;
    points: number;
    reason: string;
    sessionId?: string;
    waived: boolean;
};
export type CallIncomingEvent = {
    sessionId: string;
    from: string;
};
export type CallEndedEvent = {
    sessionId: string;
};
/**
 * an 'error' frame that answers no cid
 */
export type ErrorEvent = {
    code: string;
    message: string;
};
/**
 * Event type -> what a tandem.on() handler receives. (An object-literal type because the
 * protocol's event names contain dots, which a property tag would read as nesting.)
 */
export type TandemEvents = {
    "offer": import("./offer.js").Offer;
    "offer.revoked": OfferRevokedEvent;
    "presence.status": PresenceStatusEvent;
    "request.status": RequestStatusEvent;
    "request.matched": RequestMatchedEvent;
    "request.expired": RequestExpiredEvent;
    "session.ready": SessionReadyEvent;
    "room.message": RoomMessageEvent;
    "room.signal": RoomSignalEvent;
    "room.presence": RoomPresenceEvent;
    "room.typing": RoomTypingEvent;
    "session.ending": SessionEndingEvent;
    "session.ended": SessionEndedEvent;
    "penalty": PenaltyEvent;
    "connection": ConnectionEvent;
    "signedOut": SignedOutEvent;
    "signedIn": User;
    "call.incoming": CallIncomingEvent;
    "call.ended": CallEndedEvent;
    "error": ErrorEvent;
};
export type RoomEvents = {
    /**
     * a message new to room.messages (never one it already held)
     */
    message: ChatMessage;
    presence: RoomPresenceEvent;
    typing: RoomTypingEvent;
    signal: RoomSignalEvent;
    ended: SessionEndedEvent;
    /**
     * both joined (or checked in): the session started
     */
    active: {
        sessionId: string;
        startedAt: string;
    };
    /**
     * the unacknowledged sends, whenever that list changes (kept across reloads)
     */
    pending: PendingMessage[];
    /**
     * after every successful (re-)join
     */
    joined: RoomJoinAck;
    /**
     * the server's transcript went back: messages above afterSeq were dropped
     */
    rewound: {
        afterSeq: number;
    };
    /**
     * the room could not be (re-)joined (forbidden, not_found...)
     */
    error: import("./support.js").TandemError;
};
export type CallState = "new" | "connecting" | "connected" | "disconnected" | "failed" | "closed";
export type CallOptions = {
    /**
     * default: the session.ready iceServers of the room's session
     */
    iceServers?: RTCIceServer[] | undefined;
    /**
     * 'all' (default) or 'relay' (TURN only)
     */
    iceTransportPolicy?: RTCIceTransportPolicy | undefined;
    /**
     * default true
     */
    video?: boolean | undefined;
    /**
     * default true
     */
    audio?: boolean | undefined;
    /**
     * default: true for the expert, false for the client
     */
    polite?: boolean | undefined;
};
export type CallEvents = {
    state: CallState;
    /**
     * the peer's stream, each time a track joins it
     */
    remoteStream: MediaStream;
    ended: {
        by: "me" | "peer" | "session" | "signedOut";
    };
};
