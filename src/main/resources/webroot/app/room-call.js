// The call panel of a room: a WebRTC call through the SDK's Call, with ringing when the peer
// calls, mute, camera and hang-up; part of the room (room.js), which says when it ends.
import { Call } from '/sdk/tandem.js';
import { t } from '/i18n/i18n.js';
import { h, setI18n, setText } from './dom.js';
import { errorText } from './format.js';

/**
 * options: ctx, room (the SDK's), sessionId, roomElement() (the room's element: gets in-call, call-ringing, call-active),
 * peerName() (the peer's display name, '' while unknown), mode() (the session's, once known),
 * ended() (whether the session is over).
 * Returns {panel, stop(messageKey), ringIfCalling(), refresh(), destroy()}.
 */
export function callPanel({ ctx, room, sessionId, roomElement, peerName, mode, ended }) {
  const tandem = ctx.tandem;
  const me = ctx.me;
  const localVideo = h('video', { class: 'local-video', dataTest: 'local-video', autoplay: true, muted: true, playsInline: true, i18nAttr: 'aria-label:call.localVideo' });
  const remoteVideo = h('video', { class: 'remote-video', dataTest: 'remote-video', autoplay: true, playsInline: true, i18nAttr: 'aria-label:call.remoteVideo' });
  const callState = h('p', { class: 'call-state', dataTest: 'call-state', 'aria-live': 'polite', i18n: 'call.idle' });
  // The peer is calling: a sentence and the button that answers ([data-test=call-incoming]).
  const incomingText = h('span', { class: 'incoming-text' });
  const joinButton = h('button', { type: 'button', class: 'btn btn-primary ringing', dataTest: 'call-incoming', i18n: 'call.join' });
  const incomingNotice = h('div', { class: 'callout incoming', role: 'alert', hidden: true }, incomingText, joinButton);
  const startButton = h('button', { type: 'button', class: 'btn btn-primary', dataTest: 'call-start', i18n: 'call.start' });
  const muteButton = h('button', { type: 'button', class: 'btn', dataTest: 'call-mute', 'aria-pressed': 'false', i18n: 'call.mute', disabled: true });
  const cameraButton = h('button', { type: 'button', class: 'btn', dataTest: 'call-camera', 'aria-pressed': 'false', i18n: 'call.cameraOff', disabled: true });
  const hangupButton = h('button', { type: 'button', class: 'btn btn-danger', dataTest: 'call-hangup', i18n: 'call.hangUp', disabled: true });
  const unmuteRemote = h('button', { type: 'button', class: 'btn btn-small', hidden: true, i18n: 'call.unmuteRemote' });
  const videoStage = h('div', { class: 'video-stage', hidden: true }, remoteVideo, localVideo, unmuteRemote);
  const panel = h('section', { class: 'call-panel card stack-tight', i18nAttr: 'aria-label:call.label' },
    incomingNotice, videoStage, callState,
    h('div', { class: 'call-controls' }, startButton, muteButton, cameraButton, hangupButton));

  let call = null;
  let incoming = false;
  const subscriptions = [];
  const iceServers = () => tandem.sessionInfo?.(sessionId)?.iceServers || [];
  const namedPeer = () => peerName() || t(me.role === 'client' ? 'room.yourExpert' : 'room.yourClient');

  const refresh = () => {
    const active = Boolean(call);
    startButton.hidden = active || incoming;
    for (const button of [muteButton, cameraButton, hangupButton]) { button.disabled = !active; button.hidden = !active; }
    roomElement().classList.toggle('in-call', active);
    roomElement().classList.toggle('call-ringing', incoming && !active);
    incomingNotice.hidden = !(incoming && !active);
    callState.hidden = incoming && !active;
    videoStage.hidden = !active && mode() !== 'video';
    roomElement().classList.toggle('call-active', active || (mode() === 'video' && !ended()));
  };

  const ring = () => {
    incoming = true;
    setI18n(incomingText, 'call.incoming', { name: peerName() });
    setI18n(callState, 'call.ringing');
  };

  const playRemote = () => {
    remoteVideo.play().catch(error => {
      // Autoplay with sound can be refused; play muted and offer to unmute. (An AbortError only
      // means a newer play() took over.)
      if (error?.name !== 'NotAllowedError') return;
      remoteVideo.muted = true;
      unmuteRemote.hidden = false;
      remoteVideo.play().catch(() => {});
    });
  };

  const stop = (messageKey = 'call.idle') => {
    // hangUp() tells the peer unless the call is closed already (peer hung up, session ended).
    const ending = call;
    call = null;
    if (ending) {
      ctx.setCall(null);
      try { ending.hangUp(); } catch (error) { console.warn('hang up failed', error); }
    }
    for (const video of [localVideo, remoteVideo]) video.srcObject = null;
    muteButton.setAttribute('aria-pressed', 'false');
    setI18n(muteButton, 'call.mute');
    cameraButton.setAttribute('aria-pressed', 'false');
    setI18n(cameraButton, 'call.cameraOff');
    unmuteRemote.hidden = true;
    delete callState.dataset.state;
    setI18n(callState, messageKey);
    refresh();
  };

  const start = async () => {
    if (call || ended()) return;
    startButton.disabled = true;
    setI18n(callState, 'call.starting');
    const thisCall = new Call(room, { iceServers: iceServers(), iceTransportPolicy: ctx.iceTransportPolicy(), video: true, audio: true });
    call = thisCall;
    ctx.setCall(thisCall);
    incoming = false;
    refresh();
    let failedTimer = null;
    let localReady = false;
    // Once camera and microphone are up and the offer is out, nothing happens until the peer
    // answers (no remote description yet): say we wait for them rather than "Starting…".
    const waitingForPeer = () => localReady && !thisCall.pc?.remoteDescription
      && (thisCall.state === 'new' || thisCall.state === 'connecting');
    const showCallState = state => {
      if (waitingForPeer()) {
        setI18n(callState, 'call.waitingPeer', { name: namedPeer() });
        callState.dataset.state = 'waiting';
      } else {
        setI18n(callState, `call.state.${state}`);
        callState.dataset.state = state;
      }
    };
    thisCall.on('state', state => {
      if (call !== thisCall) return;
      showCallState(state);
      // The SDK restarts ICE on a failed path; if the peer is gone for good (it reloaded the page,
      // lost its call) nothing recovers, so give the buttons back instead of spinning forever.
      clearTimeout(failedTimer);
      if (state === 'failed') failedTimer = setTimeout(() => { if (call === thisCall && thisCall.state === 'failed') stop('call.dropped'); }, 30000);
    });
    thisCall.on('remoteStream', stream => {
      if (call !== thisCall || remoteVideo.srcObject === stream) return;
      remoteVideo.srcObject = stream;
      playRemote();
    });
    thisCall.on('ended', () => { if (call === thisCall) stop('call.peerHungUp'); });
    try {
      await thisCall.start();
      if (call !== thisCall) return;
      localReady = true;
      if (thisCall.state !== 'connected') showCallState(thisCall.state);
      localVideo.srcObject = thisCall.localStream;
      if (thisCall.remoteStream && !remoteVideo.srcObject) { remoteVideo.srcObject = thisCall.remoteStream; playRemote(); }
    } catch (error) {
      console.warn('call failed to start', error);
      if (call === thisCall) stop();
      const key = error?.name === 'NotAllowedError' ? 'call.noPermission' : (error?.name === 'NotFoundError' ? 'call.noDevice' : null);
      if (key) setI18n(callState, key);
      else setText(callState, errorText(error));
    } finally {
      startButton.disabled = false;
    }
  };

  unmuteRemote.addEventListener('click', () => { remoteVideo.muted = false; unmuteRemote.hidden = true; remoteVideo.play().catch(() => {}); });
  startButton.addEventListener('click', start);
  joinButton.addEventListener('click', start);
  hangupButton.addEventListener('click', () => stop('call.youHungUp'));
  muteButton.addEventListener('click', () => {
    if (!call) return;
    const muted = muteButton.getAttribute('aria-pressed') !== 'true';
    call.setMuted(muted);
    muteButton.setAttribute('aria-pressed', String(muted));
    setI18n(muteButton, muted ? 'call.unmute' : 'call.mute');
  });
  cameraButton.addEventListener('click', () => {
    if (!call) return;
    const off = cameraButton.getAttribute('aria-pressed') !== 'true';
    call.setCameraOff(off);
    cameraButton.setAttribute('aria-pressed', String(off));
    setI18n(cameraButton, off ? 'call.cameraOn' : 'call.cameraOff');
  });
  subscriptions.push(tandem.on('call.incoming', event => {
    if (event.sessionId !== sessionId || call || ended()) return;
    ring();
    refresh();
  }));
  subscriptions.push(tandem.on('call.ended', event => {
    if (event.sessionId !== sessionId || call) return;
    incoming = false;
    setI18n(callState, 'call.peerHungUp');
    refresh();
  }));

  return {
    panel,
    stop,
    /** A call the peer started before this page listened (the SDK kept its signals) rings now. */
    ringIfCalling() {
      if (room.incomingCall && !call) ring();
    },
    refresh,
    destroy() {
      subscriptions.forEach(off => { try { off(); } catch { /* gone */ } });
      stop();
    },
  };
}
