// Tandem browser SDK: one ES module, no dependencies, no build step.
// docs/sdk.md is its manual; docs/protocol.md is the wire contract it speaks.
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
 *   or memory when there is none
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
 * protocol's event names contain dots, which @property would read as nesting.)
 * @typedef {{
 *   'offer': Offer,
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
 * @property {TandemError} error the room could not be (re-)joined (forbidden, not_found...)
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
// Errors and small helpers
// ---------------------------------------------------------------------------------------------

/** The close code of a server that is shutting down: reconnect at once, within this spread. */
const GOING_AWAY = 1001;
const GOING_AWAY_SPREAD_MS = 250;
const TOKENS_KEY = 'tandem.tokens';
const SESSIONS_KEY = 'tandem.sessionInfo';
/** Unacknowledged chat sends of a session, kept in storage so that a reload does not lose them: + sessionId. */
const OUTBOX_KEY = 'tandem.outbox.';
const REMEMBERED_SESSIONS = 20;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const HEARTBEAT_MS = 20000;
const TYPING_EVERY_MS = 1000;
const ICE_DISCONNECTED_GRACE_MS = 2000;

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
const RETRYABLE = new Set(['disconnected', 'timeout', 'rate_limited', 'unavailable', 'internal', 'network']);

const STATUS_CODES = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found',
  405: 'bad_request', 409: 'conflict', 413: 'too_large', 429: 'rate_limited', 503: 'unavailable' };

function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A storage that lasts as long as the page, for when there is no localStorage. */
function memoryStorage() {
  const items = new Map();
  return {
    getItem: key => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => { items.set(key, String(value)); },
    removeItem: key => { items.delete(key); },
  };
}

/** localStorage, or memory where there is none or it may not be used (sandboxed frames). */
function defaultStorage() {
  try { if (globalThis.localStorage) return globalThis.localStorage; } catch { /* SecurityError */ }
  return memoryStorage();
}

/**
 * Handlers by event type. A throwing handler is logged and does not stop the others or the SDK.
 */
class Emitter {
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
class ServerClock {
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

// ---------------------------------------------------------------------------------------------
// Tandem: auth, HTTP, the socket, events
// ---------------------------------------------------------------------------------------------

/**
 * The entry point: one per page (one user). Emits the events of {@link TandemEvents}.
 */
export class Tandem extends Emitter {
  /** @param {TandemOptions} [options] */
  constructor(options = {}) {
    super();
    this._baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    this._storage = options.storage ?? defaultStorage();
    this._ackTimeoutMs = options.ackTimeoutMs ?? 15000;
    this._clock = new ServerClock();
    /** @type {{accessToken: string, refreshToken: string, expiresAt: number, lifetimeMs?: number, user?: User}|null} */
    this._tokens = this._readTokens();
    this._refreshing = null;
    this._refreshTimer = null;

    this._wantSocket = false;
    /** @type {WebSocket|null} */ this._ws = null;
    /** @type {PresenceStatusEvent|null} */ this._presenceStatus = null;
    /** @type {ConnectionState} */ this._connection = 'closed';
    this._attempt = 0;
    this._reconnectTimer = null;
    this._heartbeatTimer = null;
    this._tokenSuspect = false;
    this._lastHeard = 0;
    this._clockSyncing = false;
    this._nextCid = 1;
    /** cid -> {frame, resolve, reject, timer, sent} */
    this._inflight = new Map();

    /** @type {Map<string, Room>} */ this._rooms = new Map();
    /** @type {Map<string, Offer>} */ this._offers = new Map();
    this._sessions = this._readJson(SESSIONS_KEY) ?? {};

    this._scheduleRefresh();
    if (typeof window !== 'undefined') {
      // Another tab of this origin signed in, refreshed or signed out: follow it.
      window.addEventListener('storage', e => {
        if (e.key === TOKENS_KEY && e.storageArea === this._storage) this._adoptStoredTokens();
      });
      // The network came back: try now instead of waiting out the backoff.
      window.addEventListener('online', () => {
        if (this._wantSocket && this._connection === 'closed') { this._attempt = 0; this._openSocket(); }
      });
    }
  }

  /**
   * Typed subscription.
   * @template {keyof TandemEvents} K
   * @param {K} type
   * @param {(ev: TandemEvents[K]) => void} handler
   * @returns {() => void} unsubscribe
   */
  on(type, handler) { return super.on(type, handler); }

  // ----- auth -----

  /** @returns {boolean} whether tokens are held (they may still turn out to be refused) */
  get signedIn() { return this._tokens !== null; }

  /** @returns {User|null} the signed-in user as of sign-in or the last me() */
  get user() { return this._tokens?.user ?? null; }

  /**
   * Creates the account, then signs in.
   * @param {SignUpFields} fields
   * @returns {Promise<User>}
   */
  async signUp({ username, password, role, displayName }) {
    await this._http('POST', '/api/v1/accounts', { username, password, role, displayName }, { auth: false });
    return this.signIn(username, password);
  }

  /**
   * Signs in (signing out whoever was signed in here first). Call connect() afterwards.
   * @param {string} username
   * @param {string} password
   * @returns {Promise<User>} rejects with 'unauthorized' on wrong credentials
   */
  async signIn(username, password) {
    const tokens = await this._http('POST', '/api/v1/tokens', { username, password }, { auth: false });
    if (this._tokens) this._signOutLocally('signOut');
    this._setTokens(tokens);
    const user = await this.me();
    this._emit('signedIn', user);
    return user;
  }

  /** Forgets the tokens (here and in the other tabs), closes the socket, emits 'signedOut'. */
  signOut() { this._signOutLocally('signOut'); }

  /** @returns {Promise<User>} GET /api/v1/me, also kept as tandem.user */
  async me() {
    const user = await this.get('/api/v1/me');
    if (this._tokens) { this._tokens.user = user; this._writeTokens(); }
    return user;
  }

  /** @returns {number} the server's current time in epoch ms (local clock corrected for skew) */
  serverNow() { return Date.now() + this._clock.offsetMs; }

  /**
   * @param {string} sessionId
   * @returns {SessionReadyEvent|null} the session.ready fields of that session (kept across reloads)
   */
  sessionInfo(sessionId) { return this._sessions[sessionId] ?? null; }

  // ----- HTTP -----

  /** @param {string} path @returns {Promise<any>} */
  get(path) { return this._http('GET', path); }
  /** @param {string} path @param {any} [body] @param {{headers?: Record<string, string>}} [options] @returns {Promise<any>} */
  post(path, body, options = {}) { return this._http('POST', path, body, options); }
  /** @param {string} path @param {any} [body] @param {{headers?: Record<string, string>}} [options] @returns {Promise<any>} */
  put(path, body, options = {}) { return this._http('PUT', path, body, options); }
  /** @param {string} path @param {{headers?: Record<string, string>}} [options] @returns {Promise<any>} */
  del(path, options = {}) { return this._http('DELETE', path, undefined, options); }

  /**
   * One JSON call. Authenticated calls refresh the access token first when it is about to expire,
   * and once more after a 401 (the server may have restarted with other keys), then retry once.
   * @internal
   */
  async _http(method, path, body, { headers = {}, auth = true } = {}) {
    if (!auth) return this._fetchJson(method, path, body, headers, null);
    const token = await this._freshAccessToken();
    try {
      return await this._fetchJson(method, path, body, headers, token);
    } catch (e) {
      if (e.status !== 401 || !this._tokens) throw e;
      // Refresh only if nobody did since our try; a concurrent caller may already have.
      if (this._tokens.accessToken === token) await this._refresh();
      return this._fetchJson(method, path, body, headers, this._tokens.accessToken);
    }
  }

  /** @internal */
  async _fetchJson(method, path, body, headers, token) {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (token) init.headers.Authorization = 'Bearer ' + token;
    const sentAt = Date.now();
    let res;
    try {
      res = await fetch(this._baseUrl + path, init);
    } catch (e) {
      throw new TandemError('network', `cannot reach the server: ${e.message}`, 0);
    }
    this._clock.sample(res.headers.get('Date'), sentAt, Date.now());
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: described below */ }
    if (res.ok) return json;
    const { code, message, ...details } = json?.error ?? {};
    throw new TandemError(code ?? STATUS_CODES[res.status] ?? 'internal',
      message ?? `HTTP ${res.status}`, res.status, details);
  }

  /**
   * Samples the server's clock for offer countdowns. The API's JSON answers carry no Date header
   * (today), the static files do: HEAD this very module, which the Tandem server serves, a few
   * times a third of a second apart (see ServerClock). Best effort; failures leave the offset as is.
   * @internal
   */
  async _syncClock() {
    if (this._clockSyncing) return;
    this._clockSyncing = true;
    const url = new URL(import.meta.url);
    url.search = '';
    try {
      for (let i = 0; i < 4; i++) {
        if (i) await sleep(333);
        const sentAt = Date.now();
        const res = await fetch(url, { method: 'HEAD', cache: 'no-store' });
        this._clock.sample(res.headers.get('Date'), sentAt, Date.now());
      }
    } catch { /* offline: samples from later answers will do */ }
    this._clockSyncing = false;
  }

  // ----- tokens -----

  /**
   * An access token that is not about to expire, refreshing first if needed.
   * @internal
   */
  async _freshAccessToken(force = false) {
    if (!this._tokens) throw new TandemError('unauthorized', 'not signed in', 0);
    if (force || this._tokens.expiresAt - Date.now() < this._refreshAheadMs()) await this._refresh();
    return this._tokens.accessToken;
  }

  /** How long before expiry a token counts as expiring: a fifth of its life, at most a minute. @internal */
  _refreshAheadMs() {
    return Math.min(60000, (this._tokens?.lifetimeMs ?? 900000) / 5);
  }

  /**
   * Single-flight refresh. A refresh token works once and presenting a spent one revokes the whole
   * family (docs/protocol.md), so two refreshes racing with the same token would sign the user
   * out. Hence: one refresh at a time per page (this._refreshing), one per origin across tabs
   * (a Web Lock), and a look at storage first in case another tab already refreshed.
   * @internal
   */
  _refresh() {
    if (!this._refreshing) {
      const run = () => this._refreshOnce();
      const locked = globalThis.navigator?.locks?.request
        ? navigator.locks.request('tandem.tokens.refresh', run) : run();
      this._refreshing = locked.finally(() => { this._refreshing = null; });
    }
    return this._refreshing;
  }

  /** @internal */
  async _refreshOnce() {
    const spent = this._tokens?.refreshToken;
    const stored = this._readTokens();
    if (!stored) { this._signOutLocally('elsewhere'); throw new TandemError('unauthorized', 'signed out', 0); }
    if (stored.refreshToken !== spent) { this._tokens = stored; this._scheduleRefresh(); return; }
    try {
      const tokens = await this._fetchJson('POST', '/api/v1/tokens/refresh', { refreshToken: spent }, {}, null);
      this._setTokens(tokens);
    } catch (e) {
      if (e.status === 401) this._signOutLocally('expired');
      throw e;
    }
  }

  /** @internal */
  _setTokens({ accessToken, refreshToken, expiresIn }) {
    const user = this._tokens?.user; // a refresh keeps the user; a sign-in starts from null
    this._tokens = { accessToken, refreshToken, expiresAt: Date.now() + expiresIn * 1000, lifetimeMs: expiresIn * 1000, user };
    this._writeTokens();
    this._scheduleRefresh();
  }

  /**
   * Refresh ahead of expiry (see _refreshAheadMs), so that a socket reconnect or a call rarely
   * waits for a refresh.
   * @internal
   */
  _scheduleRefresh() {
    clearTimeout(this._refreshTimer);
    if (!this._tokens) return;
    const due = this._tokens.expiresAt - this._refreshAheadMs() - Date.now();
    this._refreshTimer = setTimeout(() => this._refresh().catch(() => { /* retried on next use */ }),
      Math.max(0, due));
  }

  /** @internal */
  _adoptStoredTokens() {
    const stored = this._readTokens();
    if (!stored) { if (this._tokens) this._signOutLocally('elsewhere'); return; }
    if (this._tokens?.user && stored.user?.id !== this._tokens.user.id) {
      // Another tab signed in as someone else: this page's user is gone (its storage is theirs now).
      this._signOutLocally('elsewhere', { keepStorage: true });
      return;
    }
    this._tokens = stored;
    this._scheduleRefresh();
  }

  /** @internal */
  _signOutLocally(reason, { keepStorage = false } = {}) {
    const wasSignedIn = this._tokens !== null;
    this._tokens = null;
    clearTimeout(this._refreshTimer);
    if (!keepStorage) {
      try {
        this._storage.removeItem(TOKENS_KEY);
        this._storage.removeItem(SESSIONS_KEY);
        // Unsent messages are the signed-out user's: nobody else on this device should send them.
        const keys = [];
        for (let i = 0; i < (this._storage.length ?? 0); i++) keys.push(this._storage.key(i));
        keys.filter(key => key?.startsWith(OUTBOX_KEY)).forEach(key => this._storage.removeItem(key));
      } catch { /* ignore */ }
    }
    this._sessions = {};
    this._wantSocket = false;
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    if (this._ws) this._dropSocket();
    for (const entry of this._inflight.values()) {
      clearTimeout(entry.timer);
      entry.reject(new TandemError('disconnected', 'signed out', 0));
    }
    this._inflight.clear();
    for (const offer of this._offers.values()) offer._finish('revoked');
    this._offers.clear();
    for (const room of this._rooms.values()) room._close();
    this._rooms.clear();
    if (wasSignedIn) this._emit('signedOut', { reason });
  }

  /** @internal */
  _readTokens() {
    const t = this._readJson(TOKENS_KEY);
    return t && typeof t.accessToken === 'string' && typeof t.refreshToken === 'string' ? t : null;
  }

  /** @internal */
  _writeTokens() {
    try {
      this._storage.setItem(TOKENS_KEY, JSON.stringify(this._tokens));
    } catch {
      // Storage refused (full, or blocked): keep the tokens in memory for this page's life.
      this._storage = memoryStorage();
      this._storage.setItem(TOKENS_KEY, JSON.stringify(this._tokens));
    }
  }

  /** @internal */
  _readJson(key) {
    try { return JSON.parse(this._storage.getItem(key) ?? 'null'); } catch { return null; }
  }

  // ----- the socket -----

  /** @returns {ConnectionState} */
  get connection() { return this._connection; }

  /**
   * The last presence.status the server sent this expert (it tells every new connection at once,
   * and every change), or null before the first: a view mounted after the connection's greeting
   * starts from it instead of waiting for the next change.
   * @returns {PresenceStatusEvent|null}
   */
  get presenceStatus() { return this._presenceStatus; }

  /**
   * Opens the socket and keeps it open (reconnecting with backoff) until signOut().
   * Idempotent. Throws 'unauthorized' when not signed in.
   */
  connect() {
    if (!this._tokens) throw new TandemError('unauthorized', 'sign in before connecting', 0);
    if (!this._wantSocket) this._syncClock();
    this._wantSocket = true;
    if (this._connection !== 'closed' || this._reconnectTimer) return;
    this._openSocket();
  }

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
  send(type, fields = {}, { timeoutMs = this._ackTimeoutMs } = {}) {
    if (!this._wantSocket) {
      return Promise.reject(new TandemError('disconnected', 'not connected: call connect() first', 0));
    }
    const cid = 'c' + this._nextCid++;
    const frame = { ...fields, type, cid };
    return new Promise((resolve, reject) => {
      const entry = { frame, resolve, reject, sent: false, timer: 0 };
      entry.timer = setTimeout(() => {
        this._inflight.delete(cid);
        reject(entry.sent ? new TandemError('timeout', `no answer to ${type} in ${timeoutMs} ms`, 0)
          : new TandemError('disconnected', `not connected: ${type} was not sent`, 0));
      }, timeoutMs);
      this._inflight.set(cid, entry);
      if (this._connection === 'open') this._transmit(entry);
    });
  }

  /**
   * Drops the current socket and connects again at once (a "retry now" button; tests).
   */
  reconnect() {
    if (!this._wantSocket) return;
    if (this._ws) this._dropSocket();
    this._attempt = 0;
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    if (this._connection === 'closed') this._openSocket();
  }

  /** @internal */
  _transmit(entry) {
    entry.sent = true;
    this._ws.send(JSON.stringify(entry.frame));
  }

  /** @internal */
  _setConnection(state, extra = {}) {
    this._connection = state;
    this._emit('connection', { state, ...extra });
  }

  /** @internal */
  async _openSocket() {
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = null;
    this._setConnection('connecting');
    let token;
    try {
      // After a handshake that failed before opening, the token may be what the server refused
      // (expired, or keys rotated): get a new one before trying again.
      token = await this._freshAccessToken(this._tokenSuspect);
    } catch (e) {
      if (this._wantSocket) this._scheduleReconnect();
      else this._setConnection('closed');
      return;
    }
    if (!this._wantSocket) { this._setConnection('closed'); return; }
    const url = new URL('/ws', this._baseUrl || location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', token);
    const ws = new WebSocket(url);
    this._ws = ws;
    let opened = false;
    ws.onopen = () => { opened = true; this._socketOpened(); };
    ws.onmessage = e => this._onFrame(e.data);
    ws.onclose = event => { if (this._ws === ws) this._socketGone(opened, event?.code); };
  }

  /** @internal */
  _socketOpened() {
    this._attempt = 0;
    this._tokenSuspect = false;
    this._setConnection('open');
    this._lastHeard = Date.now();
    this._heartbeatTimer = setInterval(() => this._heartbeat(), HEARTBEAT_MS / 2);
    for (const entry of this._inflight.values()) if (!entry.sent) this._transmit(entry);
    for (const room of this._rooms.values()) room._socketOpened();
  }

  /**
   * A browser notices a dead TCP connection late (minutes). Ping when nothing was heard for a
   * while; no answer means the socket is gone, whatever the browser believes.
   * @internal
   */
  _heartbeat() {
    if (this._connection !== 'open' || Date.now() - this._lastHeard < HEARTBEAT_MS) return;
    const ws = this._ws;
    this.send('ping', {}, { timeoutMs: HEARTBEAT_MS / 2 }).catch(e => {
      if (e.code === 'timeout' && this._ws === ws) this._dropSocket();
    });
  }

  /**
   * Forgets the current socket at once (without waiting for a close handshake the network may
   * never complete) and handles it as closed.
   * @internal
   */
  _dropSocket() {
    const ws = this._ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(1000); } catch { /* already closed */ }
    this._socketGone(ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CLOSING);
  }

  /** @internal @param {boolean} wasOpen @param {number} [code] the close code, when the server sent one */
  _socketGone(wasOpen, code) {
    this._ws = null;
    clearInterval(this._heartbeatTimer);
    if (!wasOpen) this._tokenSuspect = true;
    // Frames that went out on this socket have an unknown outcome; the ones not sent yet wait.
    for (const [cid, entry] of this._inflight) {
      if (!entry.sent) continue;
      clearTimeout(entry.timer);
      this._inflight.delete(cid);
      entry.reject(new TandemError('disconnected', `the connection dropped before the answer to ${entry.frame.type}`, 0));
    }
    for (const room of this._rooms.values()) room._socketClosed();
    // 1001, going away: this server is shutting down and answered everything first; another is
    // behind the same address, so reconnect at once (a little spread, not all in the same instant).
    if (this._wantSocket && code === GOING_AWAY) this._scheduleReconnect({ soon: true });
    else if (this._wantSocket) this._scheduleReconnect();
    else this._setConnection('closed');
  }

  /**
   * Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... up to 15 s, each randomised between half
   * and all of it so that many clients dropped together do not come back together.
   * @internal
   */
  _scheduleReconnect({ soon = false } = {}) {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this._attempt++);
    const delay = soon ? Math.round(Math.random() * GOING_AWAY_SPREAD_MS)
      : Math.max(BACKOFF_MIN_MS, Math.round(ceiling * (0.5 + Math.random() / 2)));
    this._reconnectTimer = setTimeout(() => { this._reconnectTimer = null; this._openSocket(); }, delay);
    this._setConnection('closed', { retryInMs: delay });
  }

  /** @internal */
  _onFrame(data) {
    this._lastHeard = Date.now();
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    if (!msg || typeof msg.type !== 'string') return;
    if ((msg.type === 'ack' || msg.type === 'error') && msg.cid != null) { this._settle(msg); return; }
    const { type, ...ev } = msg;
    this._dispatch(type, ev);
  }

  /** @internal */
  _settle(msg) {
    const entry = this._inflight.get(String(msg.cid));
    if (!entry) return; // answered after its timeout: nobody waits any more
    this._inflight.delete(String(msg.cid));
    clearTimeout(entry.timer);
    const { type, cid, ...fields } = msg;
    if (type === 'ack') { entry.resolve(fields); return; }
    const { code, message, ...details } = fields;
    entry.reject(new TandemError(code ?? 'internal', message ?? 'error', 0, details));
  }

  /** @internal */
  _dispatch(type, ev) {
    switch (type) {
      case 'offer': {
        // A connection that comes back is told its pending offers again: the Offer already handed
        // out stays the one (an app holding it still hears its 'revoked'), and is handed out again.
        const known = this._offers.get(ev.offerId);
        const offer = known && known.state === 'open' ? known : new Offer(this, ev);
        this._offers.set(offer.offerId, offer);
        this._emit('offer', offer);
        return;
      }
      case 'offer.revoked':
        this._offers.get(ev.offerId)?._revoked(ev.reason);
        break;
      case 'presence.status':
        this._presenceStatus = ev;
        break;
      case 'session.ready':
        this._rememberSession(ev);
        break;
      case 'room.signal':
        // A signal may arrive before the app opened the room (an incoming call): make the room.
        this.room(ev.sessionId)._onEvent(type, ev);
        break;
      default:
        if (ev.sessionId && (type.startsWith('room.') || type.startsWith('session.'))) {
          this._rooms.get(ev.sessionId)?._onEvent(type, ev);
        }
    }
    this._emit(type, ev);
  }

  /** @internal */
  _rememberSession(ev) {
    const { sessionId } = ev;
    this._sessions[sessionId] = ev;
    const ids = Object.keys(this._sessions);
    for (const old of ids.slice(0, Math.max(0, ids.length - REMEMBERED_SESSIONS))) delete this._sessions[old];
    try { this._storage.setItem(SESSIONS_KEY, JSON.stringify(this._sessions)); } catch { /* memory only */ }
  }

  // ----- rooms and offers -----

  /**
   * The room of a session: one Room object per sessionId for the life of this Tandem.
   * @param {string} sessionId
   * @returns {Room}
   */
  room(sessionId) {
    let room = this._rooms.get(sessionId);
    if (!room) { room = new Room(this, sessionId); this._rooms.set(sessionId, room); }
    return room;
  }

  /** @returns {Offer[]} offers still open (not accepted, declined, revoked or expired) */
  get offers() { return [...this._offers.values()].filter(o => o.state === 'open'); }
}

// ---------------------------------------------------------------------------------------------
// Room: the transcript, presence, typing, signals
// ---------------------------------------------------------------------------------------------

/**
 * A session's room. Get it with tandem.room(sessionId). Emits {@link RoomEvents}.
 *
 * Guarantees: room.messages is sorted by seq and holds each seq once, whatever mix of history,
 * live events and re-join overlap delivered it; after any reconnect the room joins again with
 * afterSeq = the highest seq it holds without gaps, so nothing sent meanwhile is missed.
 */
export class Room extends Emitter {
  /** @param {Tandem} tandem @param {string} sessionId */
  constructor(tandem, sessionId) {
    super();
    /** @type {Tandem} */ this.tandem = tandem;
    /** @type {string} */ this.sessionId = sessionId;
    /** @type {ChatMessage[]} sorted by seq, each seq once */ this.messages = [];
    /** @type {Participant[]} */ this.participants = [];
    /** @type {string|null} the session's status as last seen */ this.status = null;
    this._wantJoined = false;
    this._ready = false;   // joined on the current socket
    this._joining = false;
    this._joinWaiters = [];
    /**
     * Sends not acknowledged yet, oldest first; kept in storage (OUTBOX_KEY) and taken up again by
     * the Room of a page loaded later, to be sent with the same clientMsgId (stored once).
     * @type {Array<PendingMessage & {resolve?: Function, reject?: Function}>}
     */
    this._pending = this._loadOutbox();
    this._pumping = false;
    this._catchingUp = null;
    this._lastTypingAt = 0;
    /** @type {Call|null} */ this._call = null;
    this._earlySignals = [];
  }

  /**
   * @template {keyof RoomEvents} K
   * @param {K} type
   * @param {(ev: RoomEvents[K]) => void} handler
   * @returns {() => void} unsubscribe
   */
  on(type, handler) { return super.on(type, handler); }

  /** @returns {boolean} joined on the current connection */
  get joined() { return this._ready; }

  /** @returns {number} the highest seq held (0 for none) */
  get lastSeq() { return this.messages.length ? this.messages[this.messages.length - 1].seq : 0; }

  /** @returns {PendingMessage[]} sends not acknowledged yet, oldest first */
  get pending() {
    return this._pending.map(({ clientMsgId, text, createdAt }) => ({ clientMsgId, text, createdAt }));
  }

  /** @returns {boolean} an SDP offer from the peer waits for a Call to answer it */
  get incomingCall() { return this._earlySignals.length > 0; }

  /**
   * Joins (connecting the socket if needed) and stays joined across reconnects until leave().
   * Resolves with the first successful join's ack, once room.messages holds the whole history
   * (pages beyond the ack's 500 are fetched over HTTP). A dropped socket does not reject: the
   * join is retried on the next connection. Rejects on forbidden / not_found / bad_request.
   * @returns {Promise<RoomJoinAck>}
   */
  join() {
    this._wantJoined = true;
    const joined = new Promise((resolve, reject) => this._joinWaiters.push({ resolve, reject }));
    try {
      this.tandem.connect();
    } catch (e) {
      this._wantJoined = false;
      for (const w of this._joinWaiters.splice(0)) w.reject(e);
      return joined;
    }
    if (this.tandem.connection === 'open') this._rejoin();
    return joined;
  }

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
  send(text) {
    const item = { clientMsgId: newId(), text, createdAt: Date.now() };
    const sent = new Promise((resolve, reject) => { item.resolve = resolve; item.reject = reject; });
    this._pending.push(item);
    this._pendingChanged();
    if (!this._wantJoined) this.join().catch(() => { /* reported through 'error' */ });
    this._pump();
    return sent;
  }

  /** Tells the peer we are typing; call it on every keystroke (it sends at most once a second). */
  typing() {
    const now = Date.now();
    if (!this._ready || now - this._lastTypingAt < TYPING_EVERY_MS) return;
    this._lastTypingAt = now;
    this.tandem.send('room.typing', { sessionId: this.sessionId }).catch(() => { /* typing is best effort */ });
  }

  /**
   * Checks in to an in-person session ('bad_request' with the distance when too far).
   * @param {GeoLocation} location
   * @returns {Promise<{checkedIn: boolean}>}
   */
  checkIn({ lat, lng }) {
    return this.tandem.send('session.checkin', { sessionId: this.sessionId, location: { lat, lng } });
  }

  /** Ends the session for both ('conflict' before both joined). @returns {Promise<{status: string}>} */
  end() { return this.tandem.send('session.end', { sessionId: this.sessionId }); }

  /**
   * Steps out without ending the session: no more re-joins; unacknowledged sends are abandoned
   * (they reject with 'disconnected'; one may still have been stored).
   */
  leave() {
    const wasJoined = this._ready;
    this._wantJoined = false;
    this._ready = false;
    this._failPending(new TandemError('disconnected', 'left the room before the answer', 0));
    if (wasJoined) this.tandem.send('room.leave', { sessionId: this.sessionId }).catch(() => {});
  }

  /**
   * Sends one room.signal (WebRTC plumbing; Call uses it).
   * @param {any} signal opaque JSON for the peer
   * @returns {Promise<{}>}
   */
  signal(signal) { return this.tandem.send('room.signal', { sessionId: this.sessionId, signal }); }

  // ----- joining -----

  /** @internal */
  _socketOpened() { if (this._wantJoined) this._rejoin(); }

  /** @internal */
  _socketClosed() { this._ready = false; this._joining = false; }

  /** @internal */
  async _rejoin() {
    if (this._joining || !this._wantJoined) return;
    this._joining = true;
    const ws = this.tandem._ws;
    try {
      const ack = await this.tandem.send('room.join', { sessionId: this.sessionId, afterSeq: this._contiguousSeq() });
      if (this.tandem._ws !== ws || !this._wantJoined) { this._joining = false; return; } // a newer socket joins by itself
      this._applyJoinAck(ack);
      if (ack.lastSeq > this._contiguousSeq()) await this._catchUp();
      this._joining = false;
      if (this.tandem._ws !== ws || !this._wantJoined) return;
      this._ready = true;
      const result = { ...ack, participants: this.participants };
      for (const w of this._joinWaiters.splice(0)) w.resolve(result);
      this._emit('joined', result);
      this._pump();
    } catch (e) {
      this._joining = false;
      if (e.code === 'disconnected') return; // joins again when the socket is back
      if (RETRYABLE.has(e.code)) { setTimeout(() => this._rejoin(), 1000); return; }
      this._wantJoined = false;
      for (const w of this._joinWaiters.splice(0)) w.reject(e);
      this._failPending(e);
      this._emit('error', e);
    }
  }

  /** @internal */
  _applyJoinAck(ack) {
    if (ack.status) this._advance(ack.status);
    if (Array.isArray(ack.participants)) {
      this.participants = ack.participants.map(p => ({ userId: p.userId, role: p.role ?? null, online: !!p.online }));
    }
    // The server's transcript is shorter than ours: it lost messages (docs/protocol.md, "When a
    // transcript goes back"); follow it.
    if (typeof ack.lastSeq === 'number' && ack.lastSeq < this.lastSeq) this._rewind(ack.lastSeq);
    for (const m of ack.messages ?? []) this._accept(m);
  }

  /**
   * Fetches over HTTP what a join ack or the live stream did not bring (more than 500 missed, or
   * a gap), page by page. Single-flight.
   * @internal
   */
  _catchUp() {
    if (!this._catchingUp) {
      this._catchingUp = (async () => {
        for (;;) {
          const after = this._contiguousSeq();
          const page = await this.tandem.get(
            `/api/v1/sessions/${encodeURIComponent(this.sessionId)}/messages?afterSeq=${after}&limit=500`);
          for (const m of page.messages) this._accept(m);
          if (!page.messages.length || this._contiguousSeq() >= page.lastSeq || this._contiguousSeq() === after) return;
        }
      })().finally(() => { this._catchingUp = null; });
    }
    return this._catchingUp;
  }

  // ----- the transcript -----

  /** The highest seq below which nothing is missing. @internal */
  _contiguousSeq() {
    let n = 0;
    for (const m of this.messages) { if (m.seq === n + 1) n = m.seq; else break; }
    return n;
  }

  /**
   * Adds a message unless its seq is held already. The same seq with another author or
   * clientMsgId means the server's transcript went back: ours is dropped from that seq on.
   * @internal
   */
  _accept(raw) {
    const m = { seq: raw.seq, from: raw.from, text: raw.text, sentAt: raw.sentAt, clientMsgId: raw.clientMsgId };
    const at = m.seq > this.lastSeq ? -1 : this.messages.findIndex(x => x.seq >= m.seq);
    if (at >= 0 && this.messages[at].seq === m.seq) {
      const held = this.messages[at];
      if (held.clientMsgId === m.clientMsgId && held.from === m.from) return;
      this._rewind(m.seq - 1);
      this.messages.push(m);
    } else if (at < 0) {
      this.messages.push(m);
    } else {
      this.messages.splice(at, 0, m);
    }
    this._acknowledgedBy(m);
    this._emit('message', m);
    if (this._ready && this._contiguousSeq() < this.lastSeq) this._catchUp().catch(() => {});
  }

  /**
   * Drops the messages above seq. Our own among them were acknowledged once but are no longer in
   * the transcript: they go back to pending, with their clientMsgId, to be stored again.
   * @internal
   */
  _rewind(seq) {
    const from = this.messages.findIndex(m => m.seq > seq);
    if (from < 0) return;
    const dropped = this.messages.splice(from); // in place: the array the app holds stays the one
    const me = this.tandem.user?.id;
    const mine = dropped.filter(m => m.from === me && !this._pending.some(p => p.clientMsgId === m.clientMsgId));
    this._pending.unshift(...mine.map(m => ({ clientMsgId: m.clientMsgId, text: m.text, createdAt: Date.now() })));
    this._emit('rewound', { afterSeq: seq });
    if (mine.length) { this._pendingChanged(); this._pump(); }
  }

  /** A message of ours seen in the transcript settles its pending send. @internal */
  _acknowledgedBy(m) {
    const i = this._pending.findIndex(p => p.clientMsgId === m.clientMsgId);
    if (i < 0) return;
    const [item] = this._pending.splice(i, 1);
    item.resolve?.({ seq: m.seq, sentAt: m.sentAt, clientMsgId: m.clientMsgId });
    this._pendingChanged();
  }

  /**
   * Sends the pending messages one by one while joined. Stops when the socket drops (the next
   * join restarts it) and keeps the message at the head, to be re-sent with its clientMsgId.
   * @internal
   */
  async _pump() {
    if (this._pumping) return;
    this._pumping = true;
    try {
      while (this._pending.length && this._ready) {
        const item = this._pending[0];
        try {
          const ack = await this.tandem.send('room.send',
            { sessionId: this.sessionId, clientMsgId: item.clientMsgId, text: item.text });
          const i = this._pending.indexOf(item);
          if (i >= 0) {
            this._pending.splice(i, 1);
            item.resolve?.({ seq: ack.seq, sentAt: ack.sentAt, clientMsgId: item.clientMsgId });
            this._pendingChanged();
          }
        } catch (e) {
          if (e.code === 'disconnected') return;
          if (RETRYABLE.has(e.code)) { await sleep(1000); continue; }
          const i = this._pending.indexOf(item);
          if (i >= 0) this._pending.splice(i, 1);
          item.reject?.(e);
          this._pendingChanged();
        }
      }
    } finally {
      this._pumping = false;
    }
  }

  /** The pending list changed: it is stored for a later page, and told. @internal */
  _pendingChanged() {
    const key = OUTBOX_KEY + this.sessionId;
    try {
      if (this._pending.length) {
        this.tandem._storage.setItem(key, JSON.stringify(this._pending.map(({ clientMsgId, text, createdAt }) => ({ clientMsgId, text, createdAt }))));
      } else {
        this.tandem._storage.removeItem(key);
      }
    } catch { /* storage full or blocked: kept in memory only */ }
    this._emit('pending', this.pending);
  }

  /** Sends a page before this one left unacknowledged, oldest first. @internal */
  _loadOutbox() {
    try {
      const stored = JSON.parse(this.tandem._storage.getItem(OUTBOX_KEY + this.sessionId) ?? '[]');
      return Array.isArray(stored)
        ? stored.filter(m => m && typeof m.clientMsgId === 'string' && typeof m.text === 'string')
          .map(({ clientMsgId, text, createdAt }) => ({ clientMsgId, text, createdAt: Number(createdAt) || Date.now() }))
        : [];
    } catch {
      return [];
    }
  }

  /** @internal */
  _failPending(error) {
    if (!this._pending.length) return;
    for (const item of this._pending.splice(0)) item.reject?.(error);
    this._pendingChanged();
  }

  // ----- server events -----

  /** @internal */
  _onEvent(type, ev) {
    switch (type) {
      case 'room.message': this._accept(ev); break;
      case 'room.presence': this._onPresence(ev); break;
      case 'room.typing': this._emit('typing', ev); break;
      case 'room.signal': this._onSignal(ev); break;
      case 'session.ended':
        this._advance(ev.status);
        this._emit('ended', ev);
        this._call?._close('session');
        break;
      case 'session.active':
        this._advance('active');
        this._emit('active', ev);
        break;
      default: break;
    }
  }

  /**
   * A session only moves forward (waiting, then active, then one of the endings). A join ack
   * answered before the other side joined may arrive after the session.active pushed when they
   * did; it must not take the room back to waiting.
   * @internal
   */
  _advance(status) {
    const rank = s => s === 'waiting' ? 0 : s === 'active' ? 1 : 2;
    if (this.status == null || rank(status) > rank(this.status)) this.status = status;
  }

  /** @internal */
  _onPresence(ev) {
    const online = ev.state === 'joined' || ev.state === 'reconnected';
    const p = this.participants.find(x => x.userId === ev.userId);
    if (p) p.online = online;
    else this.participants.push({ userId: ev.userId, role: null, online });
    this._emit('presence', ev);
  }

  /**
   * Signals go to the room's Call. Without one, an SDP offer is kept (with the ICE candidates
   * that follow it) for the Call the app creates on "Join call", and 'call.incoming' is emitted.
   * @internal
   */
  _onSignal(ev) {
    this._emit('signal', ev);
    const s = ev.signal;
    if (this._call) { this._call._onSignal(s); return; }
    if (s?.type === 'offer') {
      this._earlySignals = [s];
      this.tandem._emit('call.incoming', { sessionId: this.sessionId, from: ev.from });
    } else if (s?.type === 'candidate' && this._earlySignals.length) {
      this._earlySignals.push(s);
    } else if (s?.type === 'hangup' && this._earlySignals.length) {
      this._earlySignals = [];
      this.tandem._emit('call.ended', { sessionId: this.sessionId });
    }
  }

  /** @internal */
  _takeEarlySignals() { return this._earlySignals.splice(0); }

  /** Signed out: stop everything. @internal */
  _close() {
    this._wantJoined = false;
    this._ready = false;
    this._failPending(new TandemError('disconnected', 'signed out', 0));
    for (const w of this._joinWaiters.splice(0)) w.reject(new TandemError('disconnected', 'signed out', 0));
    this._call?._close('signedOut');
  }
}

// ---------------------------------------------------------------------------------------------
// Offer: an expert's incoming offer
// ---------------------------------------------------------------------------------------------

/**
 * An offer to the signed-in expert, from tandem.on('offer'). Emits 'tick' (remaining ms, every
 * 250 ms until it is accepted, declined, revoked or expired) and 'revoked' ({reason}).
 */
export class Offer extends Emitter {
  /** @param {Tandem} tandem @param {OfferEvent} ev */
  constructor(tandem, ev) {
    super();
    this._tandem = tandem;
    /** @type {string} */ this.offerId = ev.offerId;
    /** @type {string} */ this.requestId = ev.requestId;
    /** @type {string} */ this.topic = ev.topic;
    /** @type {'chat'|'video'|'in_person'} */ this.mode = ev.mode;
    /** @type {string|null} */ this.brief = ev.brief ?? null;
    /** @type {number|null} */ this.distanceKm = ev.distanceKm ?? null;
    /** @type {{displayName: string}} */ this.client = ev.client ?? { displayName: '' };
    /** @type {{amount: number, currency: string}|null} what the expert earns if they take it, in minor units */
    this.earns = ev.earns ?? null;
    /** @type {string} ISO-8601 on the server's clock */ this.expiresAt = ev.expiresAt;
    // The deadline on this machine's clock, from the time left when the server sent the offer: it
    // needs no clock agreement, only the (small) transit time, which it leaves in the expert's favour.
    /** @private */ this._localDeadline = typeof ev.expiresInMs === 'number' ? Date.now() + ev.expiresInMs : Infinity;
    /** @type {'open'|'accepted'|'declined'|'revoked'|'expired'} */ this.state = 'open';
    this._ticker = setInterval(() => this._tick(), 250);
  }

  /**
   * @template {'tick'|'revoked'} K
   * @param {K} type
   * @param {(ev: K extends 'tick' ? number : {reason: string}) => void} handler
   * @returns {() => void} unsubscribe
   */
  on(type, handler) { return super.on(type, handler); }

  /**
   * @returns {number} ms left before the server times the offer out (>= 0): the server's deadline
   *   by the estimated server clock, never more than the time left it sent with the offer (a clock
   *   estimated from whole-second Date headers can be half a second out).
   */
  remainingMs() {
    const byServerClock = Date.parse(this.expiresAt) - this._tandem.serverNow();
    return Math.max(0, Math.min(byServerClock, this._localDeadline - Date.now()));
  }

  /**
   * @returns {Promise<{sessionId: string}>} rejects with 'conflict' when the offer is gone
   *   (taken, timed out, withdrawn)
   */
  async accept() {
    try {
      const ack = await this._tandem.send('offer.accept', { offerId: this.offerId });
      this._finish('accepted');
      return ack;
    } catch (e) {
      if (e.code === 'conflict') this._finish('revoked');
      throw e;
    }
  }

  /** @param {string} [reason] @returns {Promise<{}>} */
  async decline(reason) {
    const fields = { offerId: this.offerId };
    if (reason) fields.reason = reason;
    const ack = await this._tandem.send('offer.decline', fields);
    this._finish('declined');
    return ack;
  }

  /** @internal */
  _tick() {
    const left = this.remainingMs();
    this._emit('tick', left);
    // Expired locally; the server's own 'offer.revoked' (timeout) follows and is still emitted.
    if (left === 0) { clearInterval(this._ticker); if (this.state === 'open') this.state = 'expired'; }
  }

  /** @internal */
  _revoked(reason) {
    if (this.state !== 'open' && this.state !== 'expired') return;
    this._finish('revoked');
    this._emit('revoked', { reason });
  }

  /** @internal */
  _finish(state) {
    clearInterval(this._ticker);
    if (this.state === 'open' || this.state === 'expired') this.state = state;
    this._tandem._offers.delete(this.offerId);
  }
}

// ---------------------------------------------------------------------------------------------
// Call: WebRTC over room.signal
// ---------------------------------------------------------------------------------------------

/**
 * A call in a room, WebRTC with "perfect negotiation": either side may start or renegotiate at
 * any time. Glare (both sides send an offer at once) is resolved by role: the polite side (the
 * expert) rolls its own offer back and answers the other's; the impolite side (the client)
 * ignores the offer it received and waits for the answer to its own.
 *
 * Signals on the wire carry the sender's callId (one per peer connection) and `to`, the callId
 * of the peer connection they are meant for (null until known):
 * {type: 'offer'|'answer', sdp, callId, to}, {type: 'candidate', candidate, callId, to},
 * {type: 'hangup', callId, to}. A peer whose callId changes has a new peer connection (it
 * reloaded the page): its offer is answered on a fresh connection of ours. Signals addressed to
 * a connection of ours that no longer exists are ignored.
 */
export class Call extends Emitter {
  /** @param {Room} room @param {CallOptions} [options] */
  constructor(room, options = {}) {
    super();
    if (room._call) throw new TandemError('conflict', 'this room already has a call; hang it up first', 0);
    const tandem = room.tandem;
    const info = tandem.sessionInfo(room.sessionId);
    /** @type {Room} */ this.room = room;
    /** @type {string} this side's id in the signals */ this.callId = newId();
    this._options = { video: true, audio: true, ...options };
    this._pcConfig = {
      iceServers: options.iceServers ?? info?.iceServers ?? [],
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
    };
    /** @type {boolean} */
    this.polite = options.polite ?? (tandem.user ? tandem.user.role === 'expert' : info?.peer?.role === 'client');
    /** @type {MediaStream|null} */ this.localStream = null;
    /** @type {MediaStream} */ this.remoteStream = new MediaStream();
    /** @type {CallState} */ this.state = 'new';
    /** @type {boolean} */ this.muted = false;
    /** @type {boolean} */ this.cameraOff = false;
    this._peerCallId = null;
    this._signals = Promise.resolve();
    this._starting = null;
    this._mediaReady = false;
    /** signals that came before start() had the media, applied in order once it has */
    this._held = [];
    this._iceTimer = null;
    /** @type {RTCPeerConnection} the connection (replaced when the peer comes with a new one) */
    this.pc = this._newPeerConnection();
    room._call = this;
    // Signals may have been lost while the socket was down: restart ICE on every reconnect.
    this._offConnection = tandem.on('connection', ({ state }) => { if (state === 'open') this._restartIce(); });
  }

  /**
   * @template {keyof CallEvents} K
   * @param {K} type
   * @param {(ev: CallEvents[K]) => void} handler
   * @returns {() => void} unsubscribe
   */
  on(type, handler) { return super.on(type, handler); }

  /**
   * Gets camera and microphone and sends them: answers the peer's waiting offer ('call.incoming')
   * if there is one, else makes the offer. Falls back to audio only when there is no camera.
   * Rejects with getUserMedia's DOMException (NotAllowedError...) when media is refused; start()
   * may then be called again, or hangUp() to give up.
   * @returns {Promise<void>}
   */
  start() {
    if (!this._starting) {
      this._starting = this._start().catch(e => { this._starting = null; throw e; });
    }
    return this._starting;
  }

  /** @param {boolean} muted stops sending sound (the track stays, so unmuting is instant) */
  setMuted(muted) { this.muted = !!muted; this._applyTrackStates(); }

  /** @param {boolean} off stops sending video (the peer sees black frames) */
  setCameraOff(off) { this.cameraOff = !!off; this._applyTrackStates(); }

  /** Ends the call for both: tells the peer ({type: 'hangup'}) and releases camera and mic. */
  hangUp() {
    if (this.state === 'closed') return;
    this.room.signal({ type: 'hangup', callId: this.callId, to: this._peerCallId }).catch(() => { /* the peer sees the connection fail */ });
    this._close('me');
  }

  /** @internal */
  async _start() {
    this.localStream = await this._getMedia();
    if (this.state === 'closed') { this._stopLocal(); return; }
    this._applyTrackStates();
    // Tracks first: a remote offer applied afterwards takes them into its transceivers, so
    // the answer sends media at once instead of needing a second round.
    this._addLocalTracks();
    this._mediaReady = true;
    // The offer that raised 'call.incoming' (and its candidates), then whatever came while the
    // camera was starting: in arrival order, or candidates would meet no remote description.
    for (const s of [...this.room._takeEarlySignals(), ...this._held.splice(0)]) this._onSignal(s);
    await this._signals;
  }

  /** @internal */
  async _getMedia() {
    const { audio, video } = this._options;
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video });
    } catch (e) {
      if (!video || !audio || (e.name !== 'NotFoundError' && e.name !== 'OverconstrainedError')) throw e;
      return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    }
  }

  /** @internal */
  _addLocalTracks() {
    for (const track of this.localStream?.getTracks() ?? []) this.pc.addTrack(track, this.localStream);
  }

  /** @internal */
  _applyTrackStates() {
    for (const t of this.localStream?.getAudioTracks() ?? []) t.enabled = !this.muted;
    for (const t of this.localStream?.getVideoTracks() ?? []) t.enabled = !this.cameraOff;
  }

  /** @internal */
  _newPeerConnection() {
    const pc = new RTCPeerConnection(this._pcConfig);
    this._makingOffer = false;
    this._ignoreOffer = false;
    pc.onnegotiationneeded = async () => {
      try {
        this._makingOffer = true;
        await pc.setLocalDescription();
        this._send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      } catch (e) {
        console.warn('tandem: could not make an offer', e);
      } finally {
        this._makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate && this.pc === pc) this._send({ type: 'candidate', candidate: candidate.toJSON() });
    };
    pc.ontrack = ({ track }) => {
      if (this.pc !== pc) return;
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this._emit('remoteStream', this.remoteStream);
    };
    pc.onconnectionstatechange = () => { if (this.pc === pc) this._onConnectionState(); };
    return pc;
  }

  /**
   * The peer came with a new peer connection: start over on a new one of ours (with a new callId,
   * so the peer knows too), the same local media and a new remote stream (the app gets it
   * through 'remoteStream').
   * @internal
   */
  _replacePeerConnection() {
    clearTimeout(this._iceTimer);
    this.pc.close();
    this.callId = newId();
    this.pc = this._newPeerConnection();
    this.remoteStream = new MediaStream();
    this._addLocalTracks();
  }

  /** @internal */
  _send(signal) {
    this.room.signal({ ...signal, callId: this.callId, to: this._peerCallId })
      .catch(() => { /* recovered by the ICE restart after the reconnect */ });
  }

  /**
   * Follows the connection's state and restarts ICE when the path fails or stays disconnected
   * for over 2 s. The impolite side (the client) restarts first; the polite one waits 5 s more,
   * for the case where the impolite side has no connection to restart (it reloaded the page:
   * the polite side's new offer then reaches it as 'call.incoming').
   * @internal
   */
  _onConnectionState() {
    const s = this.pc.connectionState;
    if (this.state === 'closed') return;
    if (s !== this.state) { this.state = s; this._emit('state', s); }
    clearTimeout(this._iceTimer);
    if (s !== 'failed' && s !== 'disconnected') return;
    const wait = (s === 'failed' ? 0 : ICE_DISCONNECTED_GRACE_MS) + (this.polite ? 5000 : 0);
    this._iceTimer = setTimeout(() => {
      if (this.pc.connectionState === 'disconnected' || this.pc.connectionState === 'failed') this._restartIce();
    }, wait);
  }

  /**
   * New ICE candidates on both sides without dropping the media. An offer of ours that the socket
   * may have lost is rolled back first, so the restart makes a fresh one.
   * @internal
   */
  async _restartIce() {
    const pc = this.pc;
    if (this.state === 'closed' || !pc.remoteDescription) return; // nothing negotiated yet
    try {
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
      pc.restartIce();
    } catch (e) {
      console.warn('tandem: ICE restart failed', e);
    }
  }

  /** Handles one signal from the peer, in arrival order. @internal */
  _onSignal(signal) {
    if (!signal || this.state === 'closed') return;
    if (signal.type === 'hangup') {
      if (!signal.to || signal.to === this.callId) this._close('peer');
      return;
    }
    if (!this._mediaReady) { this._held.push(signal); return; }
    this._signals = this._signals.then(() => this._handleSignal(signal))
      .catch(e => console.warn('tandem: a signal could not be applied', e));
  }

  /** @internal */
  async _handleSignal(s) {
    if (this.state === 'closed') return;
    // Meant for a peer connection of ours that is gone (this page reloaded and the peer's
    // connection restarted ICE towards the old one): ignored; start() makes a fresh offer.
    if (s.to && s.to !== this.callId) return;
    if (s.callId && this._peerCallId && s.callId !== this._peerCallId) {
      // The peer has a new peer connection, and ours is bound (DTLS) to its old one.
      if (s.type !== 'offer') return; // the tail of a connection that is gone
      this._replacePeerConnection();
    }
    if (s.callId) this._peerCallId = s.callId;
    const pc = this.pc;
    if (s.type === 'offer' || s.type === 'answer') {
      if (s.type === 'answer' && pc.signalingState !== 'have-local-offer') return; // stale
      const collision = s.type === 'offer' && (this._makingOffer || pc.signalingState !== 'stable');
      this._ignoreOffer = !this.polite && collision;
      if (this._ignoreOffer) return; // impolite: our offer wins; the peer will answer it
      await pc.setRemoteDescription({ type: s.type, sdp: s.sdp }); // polite: rolls ours back
      if (s.type === 'offer') {
        await pc.setLocalDescription();
        this._send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      }
    } else if (s.type === 'candidate') {
      try {
        await pc.addIceCandidate(s.candidate);
      } catch (e) {
        if (!this._ignoreOffer) throw e; // candidates of an offer we ignored are expected to fail
      }
    }
  }

  /** @internal */
  _stopLocal() { for (const t of this.localStream?.getTracks() ?? []) t.stop(); }

  /** @internal */
  _close(by) {
    if (this.state === 'closed') return;
    clearTimeout(this._iceTimer);
    this._offConnection();
    this._stopLocal();
    this.pc.close();
    this.state = 'closed';
    if (this.room._call === this) this.room._call = null;
    this._emit('state', 'closed');
    this._emit('ended', { by });
  }
}
