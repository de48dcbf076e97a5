// Tandem browser SDK: the Tandem class (sign-in, HTTP, the socket, events; tokens.js keeps the tokens). Part of /sdk/tandem.js,
// which is what apps import; docs/sdk.md is its manual.

import { GOING_AWAY, GOING_AWAY_SPREAD_MS, SESSIONS_KEY, OUTBOX_KEY, REMEMBERED_SESSIONS, BACKOFF_MIN_MS, BACKOFF_MAX_MS, HEARTBEAT_MS, STATUS_CODES, sleep, defaultStorage, DeviceStorage, Emitter, ServerClock, TandemError } from './support.js';
import { Room } from './room.js';
import { Tokens } from './tokens.js';
import { Offer } from './offer.js';
// Types only (JSDoc, no effect at run time), for the TypeScript declarations (.ci/sdk-types).
/** @import { TandemOptions, TandemEvents, User, SignUpFields, SessionReadyEvent, ConnectionState, PresenceStatusEvent } from './tandem.js' */

// ---------------------------------------------------------------------------------------------
// Tandem: sign-in, HTTP, the socket, events
// ---------------------------------------------------------------------------------------------

/**
 * The entry point: one per page (one user). Emits the events of {@link TandemEvents}.
 */
export class Tandem extends Emitter {
  /** @param {TandemOptions} [options] */
  constructor(options = {}) {
    super();
    this._baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
    /** @internal */ this._storage = new DeviceStorage(options.storage ?? defaultStorage());
    this._ackTimeoutMs = options.ackTimeoutMs ?? 15000;
    this._clock = new ServerClock();
    /** @internal */
    this._tokens = new Tokens(this._storage, (...call) => this._fetchJson(...call), (reason, opts) => this._signOutLocally(reason, opts));

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
    this._sessions = this._storage.readJson(SESSIONS_KEY) ?? {};

    if (typeof window !== 'undefined') {
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
  get signedIn() { return this._tokens.held; }

  /** @returns {User|null} the signed-in user as of sign-in or the last me() */
  get user() { return this._tokens.user; }

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
    if (this._tokens.held) this._signOutLocally('signOut');
    this._tokens.keep(tokens);
    const user = await this.me();
    this._emit('signedIn', user);
    return user;
  }

  /** Forgets the tokens (here and in the other tabs), closes the socket, emits 'signedOut'. */
  signOut() { this._signOutLocally('signOut'); }

  /** @returns {Promise<User>} GET /api/v1/me, also kept as tandem.user */
  async me() {
    const user = await this.get('/api/v1/me');
    this._tokens.user = user;
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

  /**
   * @param {string} path
   * @param {{auth?: boolean}} [options] auth false: without a token, for what anyone may read (the topic list, a price)
   * @returns {Promise<any>}
   */
  get(path, options = {}) { return this._http('GET', path, undefined, options); }
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
    const token = await this._tokens.fresh();
    try {
      return await this._fetchJson(method, path, body, headers, token);
    } catch (e) {
      if (e.status !== 401 || !this._tokens.held) throw e;
      // Refresh only if nobody did since our try; a concurrent caller may already have.
      if (this._tokens.accessToken === token) await this._tokens.refresh();
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

  /** Forgets the user here (tokens, sessions, unsent messages, the socket, offers, rooms); emits 'signedOut'. @internal */
  _signOutLocally(reason, { keepStorage = false } = {}) {
    const wasSignedIn = this._tokens.held;
    this._tokens.forget({ keepStorage });
    if (!keepStorage) {
      try {
        this._storage.removeItem(SESSIONS_KEY);
        // Unsent messages are the signed-out user's: nobody else on this device should send them.
        this._storage.keys().filter(key => key.startsWith(OUTBOX_KEY)).forEach(key => this._storage.removeItem(key));
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
    if (!this._tokens.held) throw new TandemError('unauthorized', 'sign in before connecting', 0);
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
      token = await this._tokens.fresh(this._tokenSuspect);
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
