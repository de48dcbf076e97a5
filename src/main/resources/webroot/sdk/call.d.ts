// Generated from the JSDoc of call.js by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.
/** @import { Room } from './room.js' */
/** @import { CallOptions, CallState, CallEvents } from './tandem.js' */
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
    constructor(room: Room, options?: CallOptions);
    /** @type {Room} */ room: Room;
    /** @type {string} this side's id in the signals */ callId: string;
    /** @type {boolean} */
    polite: boolean;
    /** @type {MediaStream|null} */ localStream: MediaStream | null;
    /** @type {MediaStream} */ remoteStream: MediaStream;
    /** @type {CallState} */ state: CallState;
    /** @type {boolean} */ muted: boolean;
    /** @type {boolean} */ cameraOff: boolean;
    /** @type {RTCPeerConnection} the connection (replaced when the peer comes with a new one) */
    pc: RTCPeerConnection;
    /**
     * @template {keyof CallEvents} K
     * @param {K} type
     * @param {(ev: CallEvents[K]) => void} handler
     * @returns {() => void} unsubscribe
     */
    on<K extends keyof CallEvents>(type: K, handler: (ev: CallEvents[K]) => void): () => void;
    /**
     * Gets camera and microphone and sends them: answers the peer's waiting offer ('call.incoming')
     * if there is one, else makes the offer. Falls back to audio only when there is no camera.
     * Rejects with getUserMedia's DOMException (NotAllowedError...) when media is refused; start()
     * may then be called again, or hangUp() to give up.
     * @returns {Promise<void>}
     */
    start(): Promise<void>;
    /** @param {boolean} muted stops sending sound (the track stays, so unmuting is instant) */
    setMuted(muted: boolean): void;
    /** @param {boolean} off stops sending video (the peer sees black frames) */
    setCameraOff(off: boolean): void;
    /** Ends the call for both: tells the peer ({type: 'hangup'}) and releases camera and mic. */
    hangUp(): void;
}
import { Emitter } from './support.js';
import type { Room } from './room.js';
import type { CallState } from './tandem.js';
import type { CallEvents } from './tandem.js';
import type { CallOptions } from './tandem.js';
