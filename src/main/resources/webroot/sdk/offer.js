// Tandem browser SDK: an expert's incoming offer. Part of /sdk/tandem.js, which is what apps
// import; docs/sdk.md is its manual.

import { Emitter } from './support.js';
// Types only (JSDoc, no effect at run time), for the TypeScript declarations (.ci/sdk-types).
/** @import { Tandem } from './client.js' */
/** @import { OfferEvent } from './tandem.js' */

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
