// The client's waiting screen for one request: live position, ETA, status (and why, when the
// server says), a cancel button; on a match the app goes to the room (main.js listens for that).
import { t } from '/i18n/i18n.js';
import { h, setI18n, setText, statusLine, showStatus } from './dom.js';
import { etaText, errorText, topicLabel, clockTime, money } from './format.js';
import { rememberActiveRequest } from './request.js';

const WAITING_STATES = new Set(['queued', 'offered']);
const REASONS = new Set(['chosen_expert_unavailable', 'no_expert_online', 'none_in_range', 'all_busy', 'declined_by_all']);
/** Why a request was cancelled (request.status's reason once cancelled). */
const CANCEL_REASONS = new Set(['client', 'client_left', 'operator', 'unpayable']);

export function renderWaiting(ctx, requestId) {
  const notice = h('div', { class: 'callout callout-warning', dataTest: 'notice', role: 'alert', hidden: true });
  const position = h('span', { class: 'big-number', dataTest: 'position', text: '–' });
  const eta = h('span', { class: 'big-text', dataTest: 'eta', text: '…' });
  const statusText = h('p', { class: 'status-text', dataTest: 'request-status', 'aria-live': 'polite' });
  const reasonText = h('p', { class: 'muted', dataTest: 'request-reason', hidden: true });
  const summary = h('p', { class: 'muted' });
  const pulse = h('div', { class: 'pulse', 'aria-hidden': 'true' }, h('span'), h('span'), h('span'));
  const cancel = h('button', { type: 'button', class: 'btn btn-danger-quiet', dataTest: 'cancel-request', i18n: 'waiting.cancel' });
  // Asked of one expert who cannot take it now: keep waiting for them, or let any expert have it.
  const openToAll = h('button', { type: 'button', class: 'btn btn-primary', dataTest: 'open-request', i18n: 'waiting.openToAll', hidden: true });
  const after = h('div', { class: 'row', hidden: true },
    h('a', { class: 'btn btn-primary', href: '#/request', i18n: 'waiting.newRequest', dataTest: 'new-request-link' }));
  const actionStatus = statusLine();

  const title = h('h1', { i18n: 'waiting.title' });
  const stats = h('div', { class: 'stat-row' },
    h('div', { class: 'stat' }, h('span', { class: 'stat-label', i18n: 'waiting.position' }), position),
    h('div', { class: 'stat' }, h('span', { class: 'stat-label', i18n: 'waiting.eta' }), eta));

  const element = h('section', { class: 'card narrow stack waiting', dataTest: 'waiting', dataset: { requestId } },
    notice,
    h('div', { class: 'waiting-head' }, pulse, title),
    summary,
    stats,
    statusText,
    reasonText,
    actionStatus,
    h('div', { class: 'row' }, openToAll, cancel),
    after);

  const noticeKey = ctx.peekNotice(requestId);
  if (noticeKey) {
    notice.replaceChildren(setI18n(h('span'), noticeKey),
      h('button', { type: 'button', class: 'btn btn-quiet btn-small', i18n: 'app.dismiss', on: { click: () => { notice.hidden = true; ctx.clearNotice(requestId); } } }));
    notice.hidden = false;
  }

  let finished = false;
  let summaryState = null;
  const apply = state => {
    if (state.status) {
      const cancelledWhy = state.status === 'cancelled' && CANCEL_REASONS.has(state.reason) ? `.${state.reason}` : '';
      setI18n(statusText, `request.status.${state.status}${cancelledWhy}`);
      statusText.dataset.status = state.status;
      if (cancelledWhy) statusText.dataset.reason = state.reason;
    }
    if (state.position !== undefined && state.position !== null) setText(position, String(state.position));
    else if (!WAITING_STATES.has(state.status)) setText(position, '–');
    if ('etaSeconds' in state || state.status === 'queued') {
      const [key, params] = etaText(state.etaSeconds);
      setI18n(eta, key, params);
    }
    if ('reason' in state) {
      if (state.reason && WAITING_STATES.has(state.status)) {
        setI18n(reasonText, REASONS.has(state.reason) ? `reason.${state.reason}` : 'reason.other', { reason: state.reason });
        reasonText.hidden = false;
      } else {
        reasonText.hidden = true;
      }
      openToAll.hidden = !(state.reason === 'chosen_expert_unavailable' && WAITING_STATES.has(state.status));
    }
    // An in-person request nobody near could take, now served in the mode its client chose: told
    // by the push, or by the next GET when the push came before this view was listening.
    if (state.mode && state.mode !== 'in_person' && summaryState?.mode === 'in_person') {
      notice.replaceChildren(setI18n(h('span', { dataTest: 'fallback-notice' }), 'waiting.fellBack', { mode: t(`mode.${state.mode}`) }));
      notice.hidden = false;
      if (!state.topic) state = { ...state, topic: summaryState.topic, expiresAt: summaryState.expiresAt };
    }
    if (state.price && summaryState) summaryState = { ...summaryState, price: state.price };
    if (state.topic) summaryState = { ...state, price: state.price || summaryState?.price };
    if (state.topic || state.price) {
      const shown = summaryState || state;
      const price = shown.price;
      summary.replaceChildren(setI18n(h('span'), 'waiting.summaryTopic', { topic: topicLabel(shown.topic || '') }),
        shown.mode ? ' · ' : '', shown.mode ? setI18n(h('span'), `mode.${shown.mode}`) : '',
        price ? ' · ' : '', price ? setI18n(h('span', { dataTest: 'waiting-price' }), 'waiting.price', { price: money(price.amount, price.currency) }) : '',
        shown.expiresAt ? ' · ' : '', shown.expiresAt ? setI18n(h('span'), 'waiting.expiresAt', { time: clockTime(shown.expiresAt) }) : '');
    }
    if (state.status === 'matched' && state.sessionId) {
      ctx.clearNotice(requestId);
      ctx.navigate(`#/room/${state.sessionId}`);
      return;
    }
    if (!WAITING_STATES.has(state.status) && state.status) finish(state.status);
  };

  const finish = status => {
    finished = true;
    setI18n(title, ['cancelled', 'expired', 'not_found'].includes(status) ? `waiting.title.${status}` : 'waiting.title.closed');
    cancel.hidden = true;
    openToAll.hidden = true;
    pulse.classList.add('stopped');
    after.hidden = false;
    setText(eta, '–');
    reasonText.hidden = true;
    if (status !== 'matched') rememberActiveRequest(null);
  };

  // What the request page left us draws at once; the server's answer follows.
  try {
    const cached = JSON.parse(sessionStorage.getItem(`tandem.app.request.${requestId}`) || 'null');
    if (cached) apply(cached);
  } catch { /* ignore */ }

  const refresh = async () => {
    try {
      const request = await ctx.tandem.get(`/api/v1/requests/${requestId}`);
      if (!destroyed) apply(request);
    } catch (error) {
      if (destroyed) return;
      if (error?.code === 'not_found') {
        setI18n(statusText, 'waiting.notFound');
        finish('not_found');
      } else {
        showStatus(actionStatus, 'error', errorText(error), undefined, { raw: true });
      }
    }
  };

  let destroyed = false;
  const subscriptions = [
    ctx.tandem.on('request.status', event => {
      if (event.requestId !== requestId) return;
      if (event.status === 'queued' && finished) {
        finished = false; cancel.hidden = false; after.hidden = true; pulse.classList.remove('stopped'); setI18n(title, 'waiting.title');
      }
      apply({ reason: null, ...event });
    }),
    ctx.tandem.on('request.expired', event => {
      if (event.requestId === requestId) apply({ status: 'expired' });
    }),
    ctx.tandem.on('request.matched', event => {
      if (event.requestId === requestId) setI18n(statusText, 'request.status.matched');
    }),
    // Events may have been missed while the socket was down: ask again when it is back.
    ctx.tandem.on('connection', ({ state }) => { if (state === 'open') refresh(); }),
  ];
  refresh();

  openToAll.addEventListener('click', async () => {
    openToAll.disabled = true;
    try {
      apply({ reason: null, ...(await ctx.tandem.post(`/api/v1/requests/${requestId}/open`, {})) });
      openToAll.hidden = true;
    } catch (error) {
      showStatus(actionStatus, 'error', errorText(error), undefined, { raw: true });
    } finally {
      openToAll.disabled = false;
    }
  });

  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      const result = await ctx.tandem.del(`/api/v1/requests/${requestId}`);
      ctx.clearNotice(requestId);
      apply({ status: result.status || 'cancelled' });
    } catch (error) {
      if (error?.code === 'conflict') refresh();
      else showStatus(actionStatus, 'error', errorText(error), undefined, { raw: true });
    } finally {
      cancel.disabled = false;
    }
  });

  return {
    element,
    // The summary holds a formatted time: format it again in the new language.
    onLanguageChange() { if (summaryState) apply({ topic: summaryState.topic, mode: summaryState.mode, expiresAt: summaryState.expiresAt, price: summaryState.price }); },
    destroy() { destroyed = true; subscriptions.forEach(off => off()); },
  };
}
