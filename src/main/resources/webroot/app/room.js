// The room of one session, for both sides (re-joined by URL after a reload): who is there, the
// session's state, ending it, and what it came to. The chat (room-chat.js), the video call
// (room-call.js), the check-in of in-person sessions (room-checkin.js) and the rating after
// (rating.js) are its parts.
import { t } from '/i18n/i18n.js';
import { h, setI18n, setText, statusLine, showStatus } from './dom.js';
import { errorText, clockTime, duration, topicLabel, money } from './format.js';
import { rememberActiveRequest } from './request.js';
import { callPanel } from './room-call.js';
import { chatPanel } from './room-chat.js';
import { checkInPanel } from './room-checkin.js';
import { ratingForm } from './rating.js';

const ENDED = new Set(['completed', 'expert_no_show', 'client_no_show', 'both_no_show', 'abandoned', 'expert_left', 'client_left']);

export function renderRoom(ctx, sessionId) {
  const me = ctx.me;
  const tandem = ctx.tandem;
  let session = null;          // GET /api/v1/sessions/{id}
  let peer = null;             // {id, displayName, role}
  let status = null;
  let ended = false;
  let destroyed = false;
  const subscriptions = [];

  // ---- markup ----
  const peerName = h('span', { class: 'peer-name', text: '…' });
  const peerPresence = h('span', { class: 'presence-dot', dataTest: 'peer-presence', i18n: 'room.peerOffline' });
  const modeBadge = h('span', { class: 'badge' });
  const topicText = h('span', { class: 'muted' });
  // The price held for the session: what the client pays, or what the expert earns of it.
  const priceText = h('span', { class: 'muted room-price', dataTest: 'room-price' });
  const sessionStatus = h('span', { class: 'status-pill', dataTest: 'session-status', 'aria-live': 'polite' });
  const statusDetail = h('p', { class: 'muted room-detail', 'aria-live': 'polite' });
  const endButton = h('button', { type: 'button', class: 'btn btn-danger-quiet', dataTest: 'end-session', 'aria-expanded': 'false', i18n: 'room.end' });
  // Ending is final (and pays the expert): [data-test=end-session] only reveals this question;
  // [data-test=end-session-confirm] ends it. Inline, not window.confirm, which blocks automation.
  const endConfirmButton = h('button', { type: 'button', class: 'btn btn-danger', dataTest: 'end-session-confirm', i18n: 'room.endConfirm' });
  const endCancelButton = h('button', { type: 'button', class: 'btn', dataTest: 'end-session-cancel', i18n: 'room.endCancel' });
  const endQuestion = h('p', { class: 'end-question', id: `end-question-${sessionId}`, i18n: 'room.endQuestion' });
  const endConfirm = h('div', { class: 'end-confirm', dataTest: 'end-session-confirmation', role: 'group', hidden: true },
    endQuestion, h('div', { class: 'row' }, endConfirmButton, endCancelButton));
  endConfirm.setAttribute('aria-labelledby', endQuestion.id);
  endButton.setAttribute('aria-controls', `end-confirm-${sessionId}`);
  endConfirm.id = `end-confirm-${sessionId}`;
  const roomStatus = statusLine('room-status-line');

  const endedPanel = h('section', { class: 'ended-panel card stack', dataTest: 'session-ended', hidden: true, tabindex: '-1' });

  // The client's question, as the expert read it in the offer: what the two are here about.
  const briefText = h('span', { class: 'room-brief-text', dataTest: 'room-brief' });
  const briefLine = h('p', { class: 'room-detail room-brief', hidden: true },
    h('span', { class: 'muted', i18n: 'room.brief' }), h('span', { i18n: 'punct.colon' }), briefText);

  const room = tandem.room(sessionId);
  const calls = callPanel({ ctx, room, sessionId, roomElement: () => element, peerName: () => peer?.displayName || '',
    mode: () => session?.mode, ended: () => ended });
  const checkin = checkInPanel(room);
  const chat = chatPanel({ room, sessionId, me, peerName: () => peer?.displayName || '', ended: () => ended, status: roomStatus });

  const element = h('div', { class: 'room', dataTest: 'room', dataset: { sessionId } },
    h('header', { class: 'room-header card' },
      h('div', { class: 'room-title' },
        h('h1', {}, peerName),
        h('div', { class: 'room-meta' }, peerPresence, modeBadge, topicText, priceText)),
      h('div', { class: 'room-actions' }, sessionStatus, endButton),
      endConfirm, statusDetail, briefLine, roomStatus),
    endedPanel,
    checkin.panel,
    h('div', { class: 'room-body' }, calls.panel, chat.panel));

  // ---- room and chat ----
  subscriptions.push(room.on('error', error => showStatus(roomStatus, 'error', errorText(error), undefined, { raw: true })));
  subscriptions.push(room.on('presence', event => {
    if (ended) return; // nobody is "in the room" of a finished session
    if (peer && event.userId === peer.id) setPeerOnline(event.state === 'joined' || event.state === 'reconnected');
  }));
  subscriptions.push(room.on('ended', event => onEnded(event)));

  const setPeerOnline = online => {
    if (ended) return;
    setI18n(peerPresence, online ? 'room.peerOnline' : 'room.peerOffline');
    peerPresence.classList.toggle('online', online);
  };
  const showPeerPresenceOver = () => {
    setI18n(peerPresence, 'room.sessionOver');
    peerPresence.classList.remove('online');
    peerPresence.classList.add('over');
  };

  // ---- session state ----
  // A session only moves forward: an answer read before the other side joined (a join ack, a GET)
  // can arrive after the session.active pushed when they did, and must not take the room back.
  const rank = s => s === 'waiting' ? 0 : s === 'active' ? 1 : 2;
  const applyStatus = next => {
    if (status && rank(next) < rank(status)) return;
    status = next;
    setI18n(sessionStatus, `session.status.${next}`);
    sessionStatus.dataset.status = next;
    sessionStatus.className = `status-pill status-${next}`;
    if (next === 'waiting') {
      // The instant the server closes the join window (joinClosesAt), not the on-time deadline before it.
      const deadline = clockTime(session?.joinClosesAt || session?.joinDeadline || '');
      if (session?.mode === 'in_person') setI18n(statusDetail, 'room.waitingInPerson', { time: deadline });
      else setI18n(statusDetail, 'room.waitingFor', { name: peer?.displayName || '', time: deadline });
      statusDetail.hidden = false;
    } else if (next === 'active') {
      setI18n(statusDetail, 'room.activeDetail');
      statusDetail.hidden = false;
      // Said when End was pressed a moment before the other side joined; no longer true.
      if (roomStatus.dataset.i18n === 'room.endTooEarly') showStatus(roomStatus, null, '');
    }
    // A session can only be ended once both have joined (before that the no-show rules decide),
    // so End is offered only while it is active.
    endButton.hidden = next !== 'active';
    if (endButton.hidden) showEndConfirm(false);
    if (ENDED.has(next)) onEnded({ status: next });
  };

  // session.active is pushed when both joined (or checked in); on a connection that came after
  // it, the room's join answer says the status.
  subscriptions.push(room.on('active', () => { if (!ended && !destroyed) { applyStatus('active'); refreshSession(); } }));
  subscriptions.push(room.on('joined', ack => { if (!ended && !destroyed && ack?.status && ack.status !== status) applyStatus(ack.status); }));

  const refreshSession = async () => {
    try {
      session = await tandem.get(`/api/v1/sessions/${sessionId}`);
      if (!destroyed && !ended) applyStatus(session.status);
    } catch { /* the join ack and events keep us right */ }
  };

  const onEnded = event => {
    const alreadyEnded = ended;
    ended = true;
    status = event.status;
    setI18n(sessionStatus, `session.status.${event.status}`);
    sessionStatus.dataset.status = event.status;
    sessionStatus.className = `status-pill status-${event.status}`;
    statusDetail.hidden = true;
    // "You earn …" / the price held is what the session was going to cost; the ended panel says what it did.
    priceText.hidden = true;
    endButton.hidden = true;
    endConfirm.hidden = true;
    showPeerPresenceOver();
    chat.end();
    calls.stop();
    calls.panel.hidden = true;
    checkin.panel.hidden = true;
    element.classList.remove('call-active');
    element.classList.add('ended');
    if (alreadyEnded) return;
    if (me.role === 'client') rememberActiveRequest(null);
    showEndedPanel(event);
  };

  /** What the ended session cost (client) or earned (expert): from the event, or the session as read since. */
  const paymentLine = payment => {
    if (!payment) return null;
    const mine = me.role === 'client' ? payment.charged : payment.earned;
    const key = me.role === 'client' ? (mine > 0 ? 'ended.paid' : 'ended.notCharged') : (mine > 0 ? 'ended.earned' : 'ended.notEarned');
    return setI18n(h('p', { class: 'ended-payment', dataTest: 'ended-payment', dataset: { amount: String(mine) } }), key,
      { amount: money(mine, payment.currency) });
  };

  /** Why it ended, for this side; a booked session's client is not put back in any queue (there is no request). */
  const endedKey = status => {
    const booked = Boolean(session?.bookingId || tandem.sessionInfo?.(sessionId)?.bookingId);
    return booked && me.role === 'client' && (status === 'expert_no_show' || status === 'expert_left')
      ? `ended.${status}.client.booked` : `ended.${status}.${me.role}`;
  };

  const showEndedPanel = async event => {
    const heading = h('h2', { i18n: 'ended.title', tabindex: '-1' });
    const parts = [heading];
    const peerName = { name: peer?.displayName || t(me.role === 'client' ? 'room.yourExpert' : 'room.yourClient') };
    // Who ended it, where that is news: who pressed "End session", an operator, or who went and
    // left the other. Who did not show is said by the status line below, not as "ended by".
    if (event.reason === 'operator') {
      parts.push(setI18n(h('p', { class: 'ended-by', dataTest: 'ended-by', dataset: { endedBy: 'operator' } }), 'ended.byOperator'));
    } else if (event.endedBy && ['completed', 'expert_left', 'client_left', 'abandoned'].includes(event.status)) {
      const byMe = event.endedBy === me.id;
      const verb = event.status === 'completed' ? 'by' : event.reason === 'disconnected' ? 'dropped' : 'left';
      parts.push(setI18n(h('p', { class: 'ended-by', dataTest: 'ended-by', dataset: { endedBy: byMe ? 'me' : 'peer' } }),
        byMe ? `ended.${verb}You` : `ended.${verb}Peer`, byMe ? undefined : peerName));
    }
    parts.push(setI18n(h('p', { dataTest: 'ended-reason' }),
      event.reason === 'max_duration' ? 'ended.completed.max_duration' : endedKey(event.status), peerName));
    if (event.durationSeconds) parts.push(h('p', { class: 'muted', i18n: ['room.duration', { duration: duration(event.durationSeconds) }] }));
    // What it cost or earned: from the event, else (ended from this page's own end, or reopened later) from the session.
    const paymentSlot = h('div', { class: 'ended-payment-slot' }, paymentLine(event.payment));
    parts.push(paymentSlot);
    if (['completed', 'client_left', 'expert_left'].includes(event.status) && me.role === 'client') parts.push(ratingForm(tandem, sessionId));
    parts.push(h('div', { class: 'row' },
      h('a', { class: 'btn', href: me.role === 'client' ? '#/request' : '#/expert', i18n: me.role === 'client' ? 'ended.newRequest' : 'ended.backHome' }),
      h('a', { class: 'btn btn-quiet', href: '#/account', i18n: 'ended.account' })));
    endedPanel.replaceChildren(...parts);
    endedPanel.hidden = false;
    // The control that had focus ("Yes, end it", the chat box) is hidden or disabled now: a
    // keyboard or screen-reader user goes on from the news, not from the top of the page.
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused.disabled || focused.closest('[hidden]')) heading.focus();
    if (!event.payment) {
      try {
        const read = await tandem.get(`/api/v1/sessions/${sessionId}`);
        if (!destroyed) paymentSlot.replaceChildren(...[paymentLine(read.payment)].filter(Boolean));
      } catch { /* the rest of the panel stands */ }
    }
  };

  const showEndConfirm = open => {
    endConfirm.hidden = !open;
    endButton.setAttribute('aria-expanded', String(open));
    endButton.classList.toggle('pressed', open);
  };
  endButton.addEventListener('click', () => {
    if (ended) return;
    showStatus(roomStatus, '', '');
    const open = endConfirm.hidden;
    showEndConfirm(open);
    if (open) endConfirmButton.focus();
  });
  endCancelButton.addEventListener('click', () => { showEndConfirm(false); endButton.focus(); });
  endConfirm.addEventListener('keydown', event => {
    if (event.key === 'Escape') { event.preventDefault(); showEndConfirm(false); endButton.focus(); }
  });
  endConfirmButton.addEventListener('click', async () => {
    if (ended) return;
    endConfirmButton.disabled = true;
    endButton.disabled = true;
    showStatus(roomStatus, '', '');
    try {
      const result = await room.end();
      if (result?.status && ENDED.has(result.status)) onEnded({ status: result.status, endedBy: me.id, durationSeconds: result.durationSeconds });
    } catch (error) {
      showEndConfirm(false);
      if (error?.code === 'conflict') showStatus(roomStatus, 'error', 'room.endTooEarly');
      else showStatus(roomStatus, 'error', errorText(error), undefined, { raw: true });
    } finally {
      endConfirmButton.disabled = false;
      endButton.disabled = false;
    }
  });

  let shownPrice = null;
  const showPrice = price => {
    if (!price) return;
    shownPrice = price;
    const amount = money(me.role === 'client' ? price.amount : price.expertEarns, price.currency);
    setI18n(priceText, me.role === 'client' ? 'room.price' : 'room.earns', { amount });
    // Ending it is what settles the price: the question says so.
    setI18n(endQuestion, me.role === 'client' ? 'room.endQuestionPays' : 'room.endQuestionEarns', { amount });
  };

  // ---- start ----
  const load = async () => {
    const infoFromSocket = tandem.sessionInfo?.(sessionId);
    if (infoFromSocket?.peer) { peer = infoFromSocket.peer; setText(peerName, peer.displayName || ''); }
    if (infoFromSocket?.mode) setI18n(modeBadge, `mode.${infoFromSocket.mode}`);
    const [sessionResult, joinResult] = await Promise.allSettled([
      tandem.get(`/api/v1/sessions/${sessionId}`),
      room.join(),
    ]);
    if (destroyed) return;
    if (sessionResult.status === 'rejected' && joinResult.status === 'rejected') {
      const error = joinResult.reason || sessionResult.reason;
      element.replaceChildren(h('section', { class: 'card narrow stack', dataTest: 'room-error' },
        h('h1', { i18n: 'room.unavailable' }),
        h('p', { class: 'form-status error', text: errorText(error) }),
        h('a', { class: 'btn', href: ctx.homeHash(), i18n: 'ended.backHome' })));
      return;
    }
    session = sessionResult.status === 'fulfilled' ? sessionResult.value : null;
    const join = joinResult.status === 'fulfilled' ? joinResult.value : null;
    if (joinResult.status === 'rejected') showStatus(roomStatus, 'error', errorText(joinResult.reason), undefined, { raw: true });

    const mode = session?.mode || infoFromSocket?.mode;
    if (mode) setI18n(modeBadge, `mode.${mode}`);
    showPrice(session?.price || infoFromSocket?.price);
    const historyEntry = await ctx.tandem.get('/api/v1/me/sessions?limit=50')
      .then(body => (body.sessions || []).find(item => item.id === sessionId) || null).catch(() => null);
    if (destroyed) return;
    if (historyEntry?.topic) setText(topicText, topicLabel(historyEntry.topic));
    if (!peer && session) peer = await findPeer(ctx, session, historyEntry);
    if (destroyed) return;
    setText(peerName, peer?.displayName || '');
    if (!peer?.displayName) setI18n(peerName, me.role === 'client' ? 'room.yourExpert' : 'room.yourClient');
    chat.peerNamed();

    const participants = join?.participants || room.participants || [];
    const peerEntry = participants.find(participant => participant.userId !== me.id);
    if (peerEntry) { peer = { ...(peer || {}), id: peer?.id || peerEntry.userId }; setPeerOnline(Boolean(peerEntry.online)); }

    chat.sync();
    if (session?.brief) { setText(briefText, session.brief); briefLine.hidden = false; }
    if (mode === 'in_person') {
      checkin.showMeetingPoint(session?.meetingPoint);
      checkin.panel.hidden = false;
      calls.panel.hidden = true;
      element.classList.add('in-person');
    } else if (mode === 'chat') {
      // A chat consultation was asked (and priced) as chat: no call is offered in it.
      calls.panel.hidden = true;
      element.classList.add('chat-mode');
    }
    calls.ringIfCalling();
    calls.refresh();
    // The room's own status is the latest (a session.active or .ended may have come while this loaded).
    applyStatus(room.status || join?.status || session?.status || 'waiting');
    if (!ended) chat.focus();
  };
  load();

  return {
    element,
    // Times are formatted for a language: format them again after a switch.
    onLanguageChange() {
      chat.retime();
      showPrice(shownPrice);
      if (status && !ended) applyStatus(status);
    },
    destroy() {
      destroyed = true;
      subscriptions.forEach(off => { try { off(); } catch { /* gone */ } });
      chat.destroy();
      calls.destroy();
      try { room.leave(); } catch { /* socket may be down */ }
    },
  };
}

/** The other participant's name: from the history list, which both roles can read. */
async function findPeer(ctx, session, historyEntry) {
  const peerId = ctx.me.id === session.clientId ? session.expertId : session.clientId;
  if (historyEntry?.peer) return { id: historyEntry.peer.id || peerId, displayName: historyEntry.peer.displayName, role: ctx.me.role === 'client' ? 'expert' : 'client' };
  if (ctx.me.role === 'client' && peerId) {
    try {
      const expert = await ctx.tandem.get(`/api/v1/experts/${peerId}`);
      return { id: peerId, displayName: expert.displayName, role: 'expert' };
    } catch { /* unnamed */ }
  }
  return { id: peerId, displayName: '', role: ctx.me.role === 'client' ? 'expert' : 'client' };
}
