// Generated from the JSDoc of room.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
/** @import { Tandem } from './client.js' */
/** @import { ChatMessage, Participant, RoomEvents, PendingMessage, RoomJoinAck, SentAck, GeoLocation } from './tandem.js' */
/**
 * A session's room. Get it with tandem.room(sessionId). Emits {@link RoomEvents}.
 *
 * Guarantees: room.messages is sorted by seq and holds each seq once, whatever mix of history,
 * live events and re-join overlap delivered it; after any reconnect the room joins again with
 * afterSeq = the highest seq it holds without gaps, so nothing sent meanwhile is missed.
 */
export class Room extends Emitter {
    /** @param {Tandem} tandem @param {string} sessionId */
    constructor(tandem: Tandem, sessionId: string);
    /** @type {Tandem} */ tandem: Tandem;
    /** @type {string} */ sessionId: string;
    /** @type {ChatMessage[]} sorted by seq, each seq once */ messages: ChatMessage[];
    /** @type {Participant[]} */ participants: Participant[];
    /** @type {string|null} the session's status as last seen */ status: string | null;
    /**
     * @template {keyof RoomEvents} K
     * @param {K} type
     * @param {(ev: RoomEvents[K]) => void} handler
     * @returns {() => void} unsubscribe
     */
    on<K extends keyof RoomEvents>(type: K, handler: (ev: RoomEvents[K]) => void): () => void;
    /** @returns {boolean} joined on the current connection */
    get joined(): boolean;
    /** @returns {number} the highest seq held (0 for none) */
    get lastSeq(): number;
    /** @returns {PendingMessage[]} sends not acknowledged yet, oldest first */
    get pending(): PendingMessage[];
    /** @returns {boolean} an SDP offer from the peer waits for a Call to answer it */
    get incomingCall(): boolean;
    /**
     * Joins (connecting the socket if needed) and stays joined across reconnects until leave().
     * Resolves with the first successful join's ack, once room.messages holds the whole history
     * (pages beyond the ack's 500 are fetched over HTTP). A dropped socket does not reject: the
     * join is retried on the next connection. Rejects on forbidden / not_found / bad_request.
     * @returns {Promise<RoomJoinAck>}
     */
    join(): Promise<RoomJoinAck>;
    /**
     * Sends a chat message. The clientMsgId is made here, once, and kept for every re-send: the
     * server stores a clientMsgId once and answers a repeat with the first seq, so re-sending after
     * a drop (when we cannot know whether the first try was stored) never duplicates the message.
     * Messages go out one at a time in the order of send() calls, which keeps their seqs in that
     * order even across reconnects. Resolves when acknowledged; rejects only on a final refusal
     * (bad_request, forbidden, conflict, too_large...), never because the network dropped.
     * @param {string} text 1 to 4,000 characters
     * @returns {Promise<SentAck>}
     */
    send(text: string): Promise<SentAck>;
    /** Tells the peer we are typing; call it on every keystroke (it sends at most once a second). */
    typing(): void;
    /**
     * Checks in to an in-person session ('bad_request' with the distance when too far).
     * @param {GeoLocation} location
     * @returns {Promise<{checkedIn: boolean}>}
     */
    checkIn({ lat, lng }: GeoLocation): Promise<{
        checkedIn: boolean;
    }>;
    /** Ends the session for both ('conflict' before both joined). @returns {Promise<{status: string}>} */
    end(): Promise<{
        status: string;
    }>;
    /**
     * Steps out without ending the session: no more re-joins; unacknowledged sends are abandoned
     * (they reject with 'disconnected'; one may still have been stored).
     */
    leave(): void;
    /**
     * Sends one room.signal (WebRTC plumbing; Call uses it).
     * @param {any} signal opaque JSON for the peer
     * @returns {Promise<{}>}
     */
    signal(signal: any): Promise<{}>;
}
import { Emitter } from './support.js';
import type { Tandem } from './client.js';
import type { ChatMessage } from './tandem.js';
import type { Participant } from './tandem.js';
import type { PendingMessage } from './tandem.js';
import type { RoomEvents } from './tandem.js';
import type { RoomJoinAck } from './tandem.js';
import type { SentAck } from './tandem.js';
import type { GeoLocation } from './tandem.js';
