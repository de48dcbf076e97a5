// Generated from the JSDoc of client.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
/** @import { TandemOptions, TandemEvents, User, SignUpFields, SessionReadyEvent, ConnectionState, PresenceStatusEvent } from './tandem.js' */
/**
 * The entry point: one per page (one user). Emits the events of {@link TandemEvents}.
 */
export class Tandem extends Emitter {
    /** @param {TandemOptions} [options] */
    constructor(options?: TandemOptions);
    /**
     * Typed subscription.
     * @template {keyof TandemEvents} K
     * @param {K} type
     * @param {(ev: TandemEvents[K]) => void} handler
     * @returns {() => void} unsubscribe
     */
    on<K extends keyof TandemEvents>(type: K, handler: (ev: TandemEvents[K]) => void): () => void;
    /** @returns {boolean} whether tokens are held (they may still turn out to be refused) */
    get signedIn(): boolean;
    /** @returns {User|null} the signed-in user as of sign-in or the last me() */
    get user(): User | null;
    /**
     * Creates the account, then signs in.
     * @param {SignUpFields} fields
     * @returns {Promise<User>}
     */
    signUp({ username, password, role, displayName }: SignUpFields): Promise<User>;
    /**
     * Signs in (signing out whoever was signed in here first). Call connect() afterwards.
     * @param {string} username
     * @param {string} password
     * @returns {Promise<User>} rejects with 'unauthorized' on wrong credentials
     */
    signIn(username: string, password: string): Promise<User>;
    /** Forgets the tokens (here and in the other tabs), closes the socket, emits 'signedOut'. */
    signOut(): void;
    /** @returns {Promise<User>} GET /api/v1/me, also kept as tandem.user */
    me(): Promise<User>;
    /** @returns {number} the server's current time in epoch ms (local clock corrected for skew) */
    serverNow(): number;
    /**
     * @param {string} sessionId
     * @returns {SessionReadyEvent|null} the session.ready fields of that session (kept across reloads)
     */
    sessionInfo(sessionId: string): SessionReadyEvent | null;
    /**
     * @param {string} path
     * @param {{auth?: boolean}} [options] auth false: without a token, for what anyone may read (the topic list, a price)
     * @returns {Promise<any>}
     */
    get(path: string, options?: {
        auth?: boolean;
    }): Promise<any>;
    /** @param {string} path @param {any} [body] @param {{headers?: Record<string, string>}} [options] @returns {Promise<any>} */
    post(path: string, body?: any, options?: {
        headers?: Record<string, string>;
    }): Promise<any>;
    /** @param {string} path @param {any} [body] @param {{headers?: Record<string, string>}} [options] @returns {Promise<any>} */
    put(path: string, body?: any, options?: {
        headers?: Record<string, string>;
    }): Promise<any>;
    /** @param {string} path @param {{headers?: Record<string, string>}} [options] @returns {Promise<any>} */
    del(path: string, options?: {
        headers?: Record<string, string>;
    }): Promise<any>;
    /** @returns {ConnectionState} */
    get connection(): ConnectionState;
    /**
     * The last presence.status the server sent this expert (it tells every new connection at once,
     * and every change), or null before the first: a view mounted after the connection's greeting
     * starts from it instead of waiting for the next change.
     * @returns {PresenceStatusEvent|null}
     */
    get presenceStatus(): PresenceStatusEvent | null;
    /**
     * Opens the socket and keeps it open (reconnecting with backoff) until signOut().
     * Idempotent. Throws 'unauthorized' when not signed in.
     */
    connect(): void;
    /**
     * Sends one frame with a cid and resolves with the fields of its ack (without type and cid).
     * While the socket is (re)connecting the frame waits for it, up to the timeout.
     * Rejects with the server's error (TandemError with its code), with 'disconnected' when the
     * socket drops after the frame went out (the outcome is then unknown) or never opened in time,
     * and with 'timeout' when an answer does not come in time.
     * @param {string} type a client frame type of the protocol
     * @param {object} [fields]
     * @param {{timeoutMs?: number}} [options]
     * @returns {Promise<any>}
     */
    send(type: string, fields?: object, { timeoutMs }?: {
        timeoutMs?: number;
    }): Promise<any>;
    /**
     * Drops the current socket and connects again at once (a "retry now" button; tests).
     */
    reconnect(): void;
    /**
     * The room of a session: one Room object per sessionId for the life of this Tandem.
     * @param {string} sessionId
     * @returns {Room}
     */
    room(sessionId: string): Room;
    /** @returns {Offer[]} offers still open (not accepted, declined, revoked or expired) */
    get offers(): Offer[];
}
import { Emitter } from './support.js';
import { DeviceStorage } from './support.js';
import { ServerClock } from './support.js';
import { Tokens } from './tokens.js';
import type { PresenceStatusEvent } from './tandem.js';
import type { ConnectionState } from './tandem.js';
import { Room } from './room.js';
import { Offer } from './offer.js';
import type { TandemEvents } from './tandem.js';
import type { User } from './tandem.js';
import type { SignUpFields } from './tandem.js';
import type { SessionReadyEvent } from './tandem.js';
import type { TandemOptions } from './tandem.js';
