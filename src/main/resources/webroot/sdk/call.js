// Tandem browser SDK: a WebRTC call signalled through a room. Part of /sdk/tandem.js, which is
// what apps import; docs/sdk.md is its manual.

import { ICE_DISCONNECTED_GRACE_MS, newId, Emitter, TandemError } from './support.js';
// Types only (JSDoc, no effect at run time), for the TypeScript declarations (.ci/sdk-types).
/** @import { Room } from './room.js' */
/** @import { CallOptions, CallState, CallEvents } from './tandem.js' */

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
