// Generated from the JSDoc of offer.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
/** @import { Tandem } from './client.js' */
/** @import { OfferEvent } from './tandem.js' */
/**
 * An offer to the signed-in expert, from tandem.on('offer'). Emits 'tick' (remaining ms, every
 * 250 ms until it is accepted, declined, revoked or expired) and 'revoked' ({reason}).
 */
export class Offer extends Emitter {
    /** @param {Tandem} tandem @param {OfferEvent} ev */
    constructor(tandem: Tandem, ev: OfferEvent);
    /** @type {string} */ offerId: string;
    /** @type {string} */ requestId: string;
    /** @type {string} */ topic: string;
    /** @type {'chat'|'video'|'in_person'} */ mode: "chat" | "video" | "in_person";
    /** @type {string|null} */ brief: string | null;
    /** @type {number|null} */ distanceKm: number | null;
    /** @type {{displayName: string}} */ client: {
        displayName: string;
    };
    /** @type {{amount: number, currency: string}|null} what the expert earns if they take it, in minor units */
    earns: {
        amount: number;
        currency: string;
    } | null;
    /** @type {string} ISO-8601 on the server's clock */ expiresAt: string;
    /** @type {'open'|'accepted'|'declined'|'revoked'|'expired'} */ state: "open" | "accepted" | "declined" | "revoked" | "expired";
    /**
     * @template {'tick'|'revoked'} K
     * @param {K} type
     * @param {(ev: K extends 'tick' ? number : {reason: string}) => void} handler
     * @returns {() => void} unsubscribe
     */
    on<K extends "tick" | "revoked">(type: K, handler: (ev: K extends "tick" ? number : {
        reason: string;
    }) => void): () => void;
    /**
     * @returns {number} ms left before the server times the offer out (>= 0): the server's deadline
     *   by the estimated server clock, never more than the time left it sent with the offer (a clock
     *   estimated from whole-second Date headers can be half a second out).
     */
    remainingMs(): number;
    /**
     * @returns {Promise<{sessionId: string}>} rejects with 'conflict' when the offer is gone
     *   (taken, timed out, withdrawn)
     */
    accept(): Promise<{
        sessionId: string;
    }>;
    /** @param {string} [reason] @returns {Promise<{}>} */
    decline(reason?: string): Promise<{}>;
}
import { Emitter } from './support.js';
import type { Tandem } from './client.js';
import type { OfferEvent } from './tandem.js';
