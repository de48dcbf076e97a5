// Generated from the JSDoc of support.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
export function newId(): string;
/** A storage that lasts as long as the page, for when there is no localStorage. */
export function memoryStorage(): {
    getItem: (key: any) => any;
    setItem: (key: any, value: any) => void;
    removeItem: (key: any) => void;
    key: (i: any) => any;
    readonly length: number;
};
/** localStorage, or memory where there is none or it may not be used (sandboxed frames). */
export function defaultStorage(): Storage | {
    getItem: (key: any) => any;
    setItem: (key: any, value: any) => void;
    removeItem: (key: any) => void;
    key: (i: any) => any;
    readonly length: number;
};
/** The close code of a server that is shutting down: reconnect at once, within this spread. */
export const GOING_AWAY: 1001;
export const GOING_AWAY_SPREAD_MS: 250;
export const TOKENS_KEY: "tandem.tokens";
export const SESSIONS_KEY: "tandem.sessionInfo";
/** Unacknowledged chat sends of a session, kept in storage so that a reload does not lose them: + sessionId. */
export const OUTBOX_KEY: "tandem.outbox.";
export const REMEMBERED_SESSIONS: 20;
export const BACKOFF_MIN_MS: 500;
export const BACKOFF_MAX_MS: 15000;
export const HEARTBEAT_MS: 20000;
export const TYPING_EVERY_MS: 1000;
export const ICE_DISCONNECTED_GRACE_MS: 2000;
/**
 * Every failure the SDK reports. `code` is the protocol's (bad_request, unauthorized, forbidden,
 * not_found, conflict, too_large, rate_limited, unavailable, internal) or one of the SDK's own:
 * 'network' (the HTTP request did not reach the server), 'disconnected' (the socket was not open
 * or dropped before the answer), 'timeout' (no answer in time).
 */
export class TandemError extends Error {
    /**
     * @param {string} code
     * @param {string} message
     * @param {number} [status] the HTTP status; 0 for WebSocket and client-side errors
     * @param {object} [details] the error's other fields, for programs (docs/protocol.md names them):
     *   a second request's `requestId` (the live one), `reason: 'insufficient_funds'` with `price` and `balance`
     */
    constructor(code: string, message: string, status?: number, details?: object);
    /** @type {string} */ code: string;
    /** @type {number} */ status: number;
    /** @type {object} */ details: object;
}
/** The codes after which doing the same thing again may succeed (with the same idempotency key). */
export const RETRYABLE: Set<string>;
export const STATUS_CODES: {
    400: string;
    401: string;
    403: string;
    404: string;
    405: string;
    409: string;
    413: string;
    429: string;
    503: string;
};
export function sleep(ms: any): Promise<any>;
/**
 * What the SDK keeps on this device (tokens, sessions, unsent messages), in the app's storage
 * until that refuses a write (full, or blocked): from then on in memory for the page's life, with
 * what the storage held copied over, so that nothing already kept is lost to this page.
 * @internal
 */
export class DeviceStorage {
    /** @param {Storage} backing */
    constructor(backing: Storage);
    /** @param {any} area a StorageEvent's storageArea @returns {boolean} whether it is this storage's */
    isBackedBy(area: any): boolean;
    /** @param {string} key @returns {string|null} */
    getItem(key: string): string | null;
    /** @param {string} key @returns {any} the parsed JSON at key, or null (absent or not JSON) */
    readJson(key: string): any;
    /** @param {string} key @param {string} value */
    setItem(key: string, value: string): void;
    /** @param {string} key */
    removeItem(key: string): void;
    /** @returns {string[]} every key held */
    keys(): string[];
}
/**
 * Handlers by event type. A throwing handler is logged and does not stop the others or the SDK.
 */
export class Emitter {
    /**
     * @param {string} type
     * @param {(ev: any) => void} handler
     * @returns {() => void} unsubscribe
     */
    on(type: string, handler: (ev: any) => void): () => void;
}
/**
 * The server's clock, learnt from the Date header of HTTP answers. The header has whole seconds,
 * so each answer says: when the server wrote it, its clock read [D, D+1s), somewhere between our
 * sending and our receiving. Intersecting these windows over several answers taken a third of a
 * second apart narrows the offset to a few hundred ms, enough for a countdown that agrees with
 * the server's deadline even when the device's clock is minutes off.
 */
export class ServerClock {
    sample(dateHeader: any, sentAt: any, receivedAt: any): void;
    /** server time minus local time, in ms (0 until the first answer) */
    get offsetMs(): number;
}
