// Tandem browser SDK: the pieces its classes share (errors, events, the server's clock, storage)
// and its tuning. Part of /sdk/tandem.js, which is what apps import; docs/sdk.md is its manual.

// ---------------------------------------------------------------------------------------------
// Errors and small helpers
// ---------------------------------------------------------------------------------------------

/** The close code of a server that is shutting down: reconnect at once, within this spread. */
export const GOING_AWAY = 1001;
export const GOING_AWAY_SPREAD_MS = 250;
export const TOKENS_KEY = 'tandem.tokens';
export const SESSIONS_KEY = 'tandem.sessionInfo';
/** Unacknowledged chat sends of a session, kept in storage so that a reload does not lose them: + sessionId. */
export const OUTBOX_KEY = 'tandem.outbox.';
export const REMEMBERED_SESSIONS = 20;
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 15000;
export const HEARTBEAT_MS = 20000;
export const TYPING_EVERY_MS = 1000;
export const ICE_DISCONNECTED_GRACE_MS = 2000;

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
  constructor(code, message, status = 0, details = {}) {
    super(message);
    this.name = 'TandemError';
    /** @type {string} */ this.code = code;
    /** @type {number} */ this.status = status;
    /** @type {object} */ this.details = details;
  }
}

/** The codes after which doing the same thing again may succeed (with the same idempotency key). */
export const RETRYABLE = new Set(['disconnected', 'timeout', 'rate_limited', 'unavailable', 'internal', 'network']);

export const STATUS_CODES = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found',
  405: 'bad_request', 409: 'conflict', 413: 'too_large', 429: 'rate_limited', 503: 'unavailable' };

export function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A storage that lasts as long as the page, for when there is no localStorage. */
export function memoryStorage() {
  const items = new Map();
  return {
    getItem: key => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => { items.set(key, String(value)); },
    removeItem: key => { items.delete(key); },
    key: i => [...items.keys()][i] ?? null,
    get length() { return items.size; },
  };
}

/** localStorage, or memory where there is none or it may not be used (sandboxed frames). */
export function defaultStorage() {
  try { if (globalThis.localStorage) return globalThis.localStorage; } catch { /* SecurityError */ }
  return memoryStorage();
}

/**
 * What the SDK keeps on this device (tokens, sessions, unsent messages), in the app's storage
 * until that refuses a write (full, or blocked): from then on in memory for the page's life, with
 * what the storage held copied over, so that nothing already kept is lost to this page.
 * @internal
 */
export class DeviceStorage {
  /** @param {Storage} backing */
  constructor(backing) { this._backing = backing; }

  /** @param {any} area a StorageEvent's storageArea @returns {boolean} whether it is this storage's */
  isBackedBy(area) { return area === this._backing; }

  /** @param {string} key @returns {string|null} */
  getItem(key) { return this._backing.getItem(key); }

  /** @param {string} key @returns {any} the parsed JSON at key, or null (absent or not JSON) */
  readJson(key) {
    try { return JSON.parse(this._backing.getItem(key) ?? 'null'); } catch { return null; }
  }

  /** @param {string} key @param {string} value */
  setItem(key, value) {
    try {
      this._backing.setItem(key, value);
    } catch {
      const memory = memoryStorage();
      try {
        for (let i = 0; i < (this._backing.length ?? 0); i++) {
          const k = this._backing.key(i);
          if (k !== null) memory.setItem(k, this._backing.getItem(k));
        }
      } catch { /* unreadable too: start empty */ }
      this._backing = memory;
      memory.setItem(key, value);
    }
  }

  /** @param {string} key */
  removeItem(key) { this._backing.removeItem(key); }

  /** @returns {string[]} every key held */
  keys() {
    const keys = [];
    for (let i = 0; i < (this._backing.length ?? 0); i++) keys.push(this._backing.key(i));
    return keys.filter(key => key !== null);
  }
}

/**
 * Handlers by event type. A throwing handler is logged and does not stop the others or the SDK.
 */
export class Emitter {
  constructor() { /** @internal */ this._handlers = new Map(); }

  /**
   * @param {string} type
   * @param {(ev: any) => void} handler
   * @returns {() => void} unsubscribe
   */
  on(type, handler) {
    if (!this._handlers.has(type)) this._handlers.set(type, new Set());
    this._handlers.get(type).add(handler);
    return () => this._handlers.get(type)?.delete(handler);
  }

  /** @internal */
  _emit(type, ev) {
    for (const handler of [...(this._handlers.get(type) ?? [])]) {
      try { handler(ev); } catch (e) { console.error(`tandem: a '${type}' handler threw`, e); }
    }
  }
}

/**
 * The server's clock, learnt from the Date header of HTTP answers. The header has whole seconds,
 * so each answer says: when the server wrote it, its clock read [D, D+1s), somewhere between our
 * sending and our receiving. Intersecting these windows over several answers taken a third of a
 * second apart narrows the offset to a few hundred ms, enough for a countdown that agrees with
 * the server's deadline even when the device's clock is minutes off.
 */
export class ServerClock {
  constructor() { this._lo = -Infinity; this._hi = Infinity; }

  sample(dateHeader, sentAt, receivedAt) {
    const server = Date.parse(dateHeader ?? '');
    if (Number.isNaN(server)) return;
    const lo = server - receivedAt;
    const hi = server + 1000 - sentAt;
    if (lo > this._hi || hi < this._lo) { this._lo = lo; this._hi = hi; } // our clock jumped: start over
    else { this._lo = Math.max(this._lo, lo); this._hi = Math.min(this._hi, hi); }
  }

  /** server time minus local time, in ms (0 until the first answer) */
  get offsetMs() { return Number.isFinite(this._lo) ? Math.round((this._lo + this._hi) / 2) : 0; }
}
