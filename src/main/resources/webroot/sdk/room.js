// Tandem browser SDK: a session's room (the transcript, presence, typing, signals). Part of
// /sdk/tandem.js, which is what apps import; docs/sdk.md is its manual.

import { OUTBOX_KEY, TYPING_EVERY_MS, RETRYABLE, newId, sleep, Emitter, TandemError } from './support.js';
// Types only (JSDoc, no effect at run time), for the TypeScript declarations (.ci/sdk-types).
/** @import { Tandem } from './client.js' */
/** @import { ChatMessage, Participant, RoomEvents, PendingMessage, RoomJoinAck, SentAck, GeoLocation } from './tandem.js' */

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
