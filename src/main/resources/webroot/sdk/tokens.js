// Tandem browser SDK: the signed-in user's tokens. Part of /sdk/tandem.js, which is what apps
// import; docs/sdk.md is its manual.

import { TOKENS_KEY, TandemError } from './support.js';

/**
 * The tokens of the user signed in on this device: kept in storage (so a reload and the other tabs
 * of the origin share them), refreshed ahead of expiry, one refresh at a time per origin. Knows
 * nothing of sockets or rooms: when the tokens are lost (a refresh refused, another tab signed out,
 * or signed in as someone else) it calls `onLost(reason, {keepStorage})`, and the owner signs out.
 * @internal
 */
export class Tokens {
  /**
   * @param {import('./support.js').DeviceStorage} storage
   * @param {(method: string, path: string, body: any, headers: object, token: string|null) => Promise<any>} fetchJson
   * @param {(reason: string, options: {keepStorage?: boolean}) => void} onLost
   */
  constructor(storage, fetchJson, onLost) {
    this._storage = storage;
    this._fetchJson = fetchJson;
    this._onLost = onLost;
    /** @type {{accessToken: string, refreshToken: string, expiresAt: number, lifetimeMs?: number, user?: any}|null} */
    this._current = this._read();
    this._refreshing = null;
    this._timer = null;
    this._schedule();
    if (typeof window !== 'undefined') {
      // Another tab of this origin signed in, refreshed or signed out: follow it.
      window.addEventListener('storage', e => {
        if (e.key === TOKENS_KEY && storage.isBackedBy(e.storageArea)) this._adoptStored();
      });
    }
  }

  /** @returns {boolean} whether tokens are held (they may still turn out to be refused) */
  get held() { return this._current !== null; }

  /** @returns {string|null} the access token as held, possibly about to expire (see fresh()) */
  get accessToken() { return this._current?.accessToken ?? null; }

  /** @returns {any} the user the tokens are for, as of sign-in or the last GET /api/v1/me */
  get user() { return this._current?.user ?? null; }

  /** Keeps the user's latest profile beside the tokens (so a reload shows it at once). */
  set user(user) {
    if (!this._current) return;
    this._current.user = user;
    this._write();
  }

  /** Holds a token answer (sign-in or refresh): {accessToken, refreshToken, expiresIn}. A refresh keeps the user. */
  keep({ accessToken, refreshToken, expiresIn }) {
    const user = this._current?.user;
    this._current = { accessToken, refreshToken, expiresAt: Date.now() + expiresIn * 1000, lifetimeMs: expiresIn * 1000, user };
    this._write();
    this._schedule();
  }

  /** Drops the tokens; from storage too unless keepStorage (another tab's user is there now). */
  forget({ keepStorage = false } = {}) {
    this._current = null;
    clearTimeout(this._timer);
    if (!keepStorage) {
      try { this._storage.removeItem(TOKENS_KEY); } catch { /* ignore */ }
    }
  }

  /**
   * An access token that is not about to expire, refreshing first if needed (or if force: the
   * server refused the one held).
   * @returns {Promise<string>}
   */
  async fresh(force = false) {
    if (!this._current) throw new TandemError('unauthorized', 'not signed in', 0);
    if (force || this._current.expiresAt - Date.now() < this._aheadMs()) await this.refresh();
    return this._current.accessToken;
  }

  /**
   * Single-flight refresh. A refresh token works once and presenting a spent one revokes the whole
   * family (docs/protocol.md), so two refreshes racing with the same token would sign the user
   * out. Hence: one refresh at a time per page (this._refreshing), one per origin across tabs
   * (a Web Lock), and a look at storage first in case another tab already refreshed.
   * @returns {Promise<void>}
   */
  refresh() {
    if (!this._refreshing) {
      const run = () => this._refreshOnce();
      const locked = globalThis.navigator?.locks?.request
        ? navigator.locks.request('tandem.tokens.refresh', run) : run();
      this._refreshing = locked.finally(() => { this._refreshing = null; });
    }
    return this._refreshing;
  }

  async _refreshOnce() {
    const spent = this._current?.refreshToken;
    const stored = this._read();
    if (!stored) { this._onLost('elsewhere', {}); throw new TandemError('unauthorized', 'signed out', 0); }
    if (stored.refreshToken !== spent) { this._current = stored; this._schedule(); return; }
    try {
      this.keep(await this._fetchJson('POST', '/api/v1/tokens/refresh', { refreshToken: spent }, {}, null));
    } catch (e) {
      if (e.status === 401) this._onLost('expired', {});
      throw e;
    }
  }

  /** How long before expiry a token counts as expiring: a fifth of its life, at most a minute. */
  _aheadMs() {
    return Math.min(60000, (this._current?.lifetimeMs ?? 900000) / 5);
  }

  /** Refresh ahead of expiry, so that a socket reconnect or a call rarely waits for a refresh. */
  _schedule() {
    clearTimeout(this._timer);
    if (!this._current) return;
    const due = this._current.expiresAt - this._aheadMs() - Date.now();
    this._timer = setTimeout(() => this.refresh().catch(() => { /* retried on next use */ }), Math.max(0, due));
  }

  _adoptStored() {
    const stored = this._read();
    if (!stored) { if (this._current) this._onLost('elsewhere', {}); return; }
    if (this._current?.user && stored.user?.id !== this._current.user.id) {
      // Another tab signed in as someone else: this page's user is gone (its storage is theirs now).
      this._onLost('elsewhere', { keepStorage: true });
      return;
    }
    this._current = stored;
    this._schedule();
  }

  _read() {
    const t = this._storage.readJson(TOKENS_KEY);
    return t && typeof t.accessToken === 'string' && typeof t.refreshToken === 'string' ? t : null;
  }

  _write() {
    this._storage.setItem(TOKENS_KEY, JSON.stringify(this._current));
  }
}
