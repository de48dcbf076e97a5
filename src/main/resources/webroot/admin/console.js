// The operator console (/admin): administrators sign in and watch the service live: the queue
// per topic and the requests waiting, experts online and suspended, live sessions, recent penalties
// (with the waiver), the ledger totals, the webhooks' backlog and what operators did; and they put
// things right in the people panel (people.js). Reads every 2 s (poller.js) and updates the page in
// place (dom.js), saying plainly when the data is stale or the server cannot be reached.
import { t, addStrings, translate, bindLanguageSelect, onLanguageChange } from '/i18n/i18n.js';
import adminEnglish from '/i18n/admin-en.js';
import adminChinese from '/i18n/admin-zh-CN.js';
import * as api from './api.js';
import { Poller } from './poller.js';
import { setText, setAttr, toggleClass } from './dom.js';
import { ago, duration, count } from './format.js';
import { QueueSection, ExpertsSection, SessionsSection, PenaltiesSection, LedgerSection, WebhooksSection, RequestsSection, AuditSection } from './sections.js';
import { PeoplePanel } from './people.js';
import { ReviewsSection } from './reviews.js';
import { BookingsSection } from './bookings.js';

addStrings('en', adminEnglish);
addStrings('zh-CN', adminChinese);

const $ = selector => document.querySelector(selector);

const views = { signin: $('#signin-view'), dashboard: $('#dashboard') };
const signinForm = $('[data-test=signin]');
const signinMessage = $('#signin-message');
const signinSubmit = signinForm.querySelector('button[type=submit]');
const signoutButton = $('[data-test=signout]');
const whoami = $('#whoami');
const statusBox = $('#connection');
const retryButton = $('#retry-now');
const announcer = $('#announcer');

/** Says something once to screen readers (polite), e.g. a state change or a waiver's result. */
function announce(text) {
  announcer.textContent = '';
  // A new text node in a fresh task is announced even when the words repeat.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

/** A sentence for people about an error from the server or the network. */
function describe(error) {
  switch (api.problemOf(error)) {
    case 'unavailable': return t('admin.signin.unavailable');
    case 'unreachable': return t('admin.signin.unreachable');
    case 'forbidden': return t('admin.error.forbidden');
    case 'signedOut': return t('admin.signin.expired');
    default: return error?.message || String(error);
  }
}

const people = new PeoplePanel($('[data-test=people]'), { api, describe, announce });
const openPerson = userId => people.open(userId);

const sections = {
  queue: new QueueSection($('[data-test=queue]')),
  experts: new ExpertsSection($('[data-test=experts]')),
  sessions: new SessionsSection($('[data-test=sessions]'), openPerson),
  requests: new RequestsSection($('[data-test=requests]'), openPerson),
  audit: new AuditSection($('[data-test=audit]')),
  penalties: new PenaltiesSection($('[data-test=penalties]'), $('#penalty-filter'), {
    waive: (id, reason) => api.post(`/api/v1/admin/penalties/${encodeURIComponent(id)}/waive`, { reason }),
    describe,
    announce,
  }),
  ledger: new LedgerSection($('[data-test=ledger]'), $('#ledger-alert')),
  reviews: new ReviewsSection($('[data-test=reviews]'), {
    settle: (id, hide, reason) => api.post(`/api/v1/admin/reviews/${encodeURIComponent(id)}/${hide ? 'hide' : 'show'}`, { reason }),
    describe,
    announce,
  }),
  webhooks: new WebhooksSection($('[data-test=webhooks]')),
  bookings: new BookingsSection($('[data-test=bookings]')),
};

const poller = new Poller({
  onUpdate: () => renderAll(),
  onProblem: kind => {
    if (kind === 'forbidden') showNotAdmin(null);
    else endSession('admin.signin.expired');
  },
});

// ---- rendering ---------------------------------------------------------------------------------

function renderAll() {
  const now = Date.now();
  const { data, okAt } = poller;
  if (data.queue) sections.queue.render(data.queue, okAt.queue, now);
  if (data.experts) sections.experts.render(data.experts);
  // Session ages compare server timestamps, so they use the server's clock; freshness is local.
  if (data.sessions) sections.sessions.render(data.sessions, okAt.sessions, api.serverNow());
  if (data.penalties) sections.penalties.render(data.penalties);
  if (data.ledger) sections.ledger.render(data.ledger);
  // Waits are ages of server timestamps, like the sessions'.
  if (data.webhooks) sections.webhooks.render(data.webhooks, okAt.webhooks, api.serverNow());
  if (data.requests) sections.requests.render(data.requests, okAt.requests, api.serverNow());
  if (data.audit) sections.audit.render(data.audit);
  if (data.reviews) sections.reviews.render(data.reviews);
  if (data.bookings) sections.bookings.render(data.bookings);
  renderSectionFreshness(now);
  renderSummary(now);
  renderStatus(now);
}

/** Each panel says when its data was read, and is marked stale when that read is too old. */
function renderSectionFreshness(now) {
  for (const panel of document.querySelectorAll('[data-section]')) {
    const name = panel.dataset.section;
    const okAt = poller.okAt[name];
    const stale = okAt !== undefined && poller.isStale(okAt, now);
    setAttr(panel, 'data-stale', String(stale));
    toggleClass(panel, 'is-stale', stale);
    const updated = panel.querySelector('.updated');
    setText(updated, okAt ? t('admin.section.updated', { ago: ago(okAt, now) }) : '');
    const badge = panel.querySelector('.stale-badge');
    badge.hidden = !stale;
    setText(badge, t('admin.section.staleBadge'));
    setAttr(badge, 'title', stale ? t('admin.section.staleTitle', { ago: ago(okAt, now) }) : null);
  }
}

function renderSummary(now) {
  const { data, okAt } = poller;
  const topics = data.queue?.topics ?? [];
  const elapsed = okAt.queue ? Math.floor((now - okAt.queue) / 1000) : 0;
  const oldest = topics.length ? Math.max(...topics.map(topic => Number(topic.oldestWaitSeconds || 0))) + elapsed : null;
  setText($('#sum-waiting'), data.queue ? count(topics.reduce((sum, topic) => sum + Number(topic.waiting || 0), 0)) : '–');
  setText($('#sum-waiting-detail'), oldest !== null ? t('admin.summary.oldest', { wait: duration(oldest) }) : '');
  const experts = sections.experts.counts(data.experts);
  setText($('#sum-experts'), data.experts ? count(experts.online) : '–');
  setText($('#sum-experts-detail'), data.experts ? t('admin.summary.suspended', { n: experts.suspended }) : '');
  toggleClass($('#sum-experts-detail'), 'warn', experts.suspended > 0);
  const live = sections.sessions.counts(data.sessions);
  setText($('#sum-sessions'), data.sessions ? count(live.active + live.waiting) : '–');
  setText($('#sum-sessions-detail'), data.sessions ? t('admin.summary.sessionsDetail', live) : '');
  const balanced = sections.ledger.balanced(data.ledger);
  setText($('#sum-ledger'), balanced === null ? '–' : t(balanced ? 'admin.summary.balanced' : 'admin.summary.unbalanced'));
  const tile = $('#sum-ledger').closest('.tile');
  toggleClass(tile, 'tile-bad', balanced === false);
  toggleClass(tile, 'tile-ok', balanced === true);
}

let lastAnnouncedState = null;

function renderStatus(now) {
  const state = poller.running ? poller.state(now) : 'loading';
  const oldest = poller.oldestOkAt();
  const since = oldest ? ago(oldest, now) : t('admin.conn.never');
  const next = poller.nextAt ? duration(Math.max(0, Math.ceil((poller.nextAt - now) / 1000))) : duration(0);
  let detail = '';
  switch (state) {
    case 'live': detail = t('admin.conn.liveDetail', { ago: ago(poller.okAt.queue ?? oldest, now) }); break;
    case 'stale': detail = t('admin.conn.staleDetail', { ago: since }); break;
    case 'unreachable': detail = t('admin.conn.unreachableDetail', { ago: since, next }); break;
    case 'unavailable': detail = t('admin.conn.unavailableDetail', { ago: since, next }); break;
    case 'partial': {
      const failed = Object.keys(poller.errors);
      const names = failed.map(name => document.querySelector(`[data-section=${name}] h2`)?.textContent ?? name);
      detail = t('admin.conn.partialDetail', { sections: names.join(', '), message: describe(poller.errors[failed[0]]) });
      break;
    }
    default: detail = '';
  }
  setAttr(statusBox, 'data-state', state);
  setText(statusBox.querySelector('.status-label'), t(`admin.conn.${state}`));
  setText(statusBox.querySelector('.status-detail'), detail);
  // Not while stale: a read is under way then, and pollNow() would not start another.
  retryButton.hidden = !['unreachable', 'unavailable', 'partial'].includes(state);
  setText(retryButton, t('admin.conn.retryNow'));
  // Announce changes of state only, never the ticking "updated 3 s ago".
  if (state !== lastAnnouncedState && state !== 'loading') {
    if (state === 'live') {
      if (lastAnnouncedState !== null && lastAnnouncedState !== 'loading') announce(t('admin.conn.announceLive'));
    } else {
      announce(`${t(`admin.conn.${state}`)}: ${detail}`);
    }
    lastAnnouncedState = state;
  }
}

// ---- signing in and out -------------------------------------------------------------------------

function show(view) {
  views.signin.hidden = view !== 'signin';
  views.dashboard.hidden = view !== 'dashboard';
  statusBox.hidden = view !== 'dashboard';
  signoutButton.hidden = view !== 'dashboard';
  whoami.hidden = view !== 'dashboard';
  document.body.dataset.view = view;
}

/**
 * The sign-in form's message, kept as a function so that it is written again in the new language
 * when the language changes. notAdmin adds the link to the app and data-test=not-admin.
 */
let signinMessageText = null;

function setSigninMessage(text, { kind = 'error', notAdmin = false } = {}) {
  signinMessageText = typeof text === 'function' ? text : (text ? () => text : null);
  signinMessage.dataset.kind = kind;
  if (notAdmin) signinMessage.dataset.test = 'not-admin';
  else delete signinMessage.dataset.test;
  renderSigninMessage();
}

function renderSigninMessage() {
  const text = signinMessageText ? signinMessageText() : '';
  signinMessage.replaceChildren();
  signinMessage.hidden = !text;
  if (!text) return;
  signinMessage.append(text);
  if (signinMessage.dataset.test === 'not-admin') {
    const link = document.createElement('a');
    link.href = '/';
    link.textContent = t('admin.signin.openApp');
    signinMessage.append(' ', link);
  }
}

/** A non-administrator signed in: forget their tokens here and say where they belong. */
function showNotAdmin(me) {
  poller.stop();
  api.signOut();
  const name = me?.displayName || me?.username || '';
  setSigninMessage(() => (me ? t('admin.signin.notAdmin', { name, role: t(`admin.role.${me.role}`) }) : t('admin.error.forbidden')),
    { kind: 'warning', notAdmin: true });
  show('signin');
  signinForm.elements.password.value = '';
  signinForm.elements.username.focus();
}

/** Back to the sign-in form (signed out by the operator, or the sign-in expired). */
function endSession(messageKey) {
  poller.stop();
  api.signOut();
  lastAnnouncedState = null;
  setSigninMessage(messageKey ? () => t(messageKey) : null, { kind: 'info' });
  show('signin');
  signinForm.elements.password.value = '';
  signinForm.elements.username.focus();
}

let signedInAs = null;

function enterDashboard(me) {
  signedInAs = me;
  renderWho();
  setSigninMessage('');
  show('dashboard');
  poller.start();
  renderAll();
}

function renderWho() {
  setText(whoami, signedInAs ? t('admin.signedInAs', { name: signedInAs.displayName || signedInAs.username }) : '');
}

signinForm.addEventListener('submit', async event => {
  event.preventDefault();
  const username = signinForm.elements.username.value.trim();
  const password = signinForm.elements.password.value;
  if (!username || !password) {
    setSigninMessage(() => t('admin.signin.missing'));
    return;
  }
  signinSubmit.disabled = true;
  setText(signinSubmit, t('admin.signin.busy'));
  setSigninMessage('');
  try {
    const me = await api.signIn(username, password);
    if (me.role !== 'admin') {
      showNotAdmin(me);
    } else {
      signinForm.elements.password.value = '';
      enterDashboard(me);
      $('#dashboard').focus({ preventScroll: true });
    }
  } catch (error) {
    api.signOut();
    const problem = api.problemOf(error);
    setSigninMessage(() => (problem === 'signedOut' ? t('admin.signin.wrong')
      : error?.status === 429 ? t('admin.signin.rateLimited')
        : problem === 'unavailable' || problem === 'unreachable' ? describe(error)
          : t('admin.signin.failed', { message: describe(error) })));
    signinForm.elements.password.select();
  } finally {
    signinSubmit.disabled = false;
    setText(signinSubmit, t('admin.signin.submit'));
  }
});

signoutButton.addEventListener('click', () => endSession(null));
retryButton.addEventListener('click', () => poller.pollNow());
api.onSignedOut(({ expired } = {}) => {
  if (!views.dashboard.hidden && expired) endSession('admin.signin.expired');
});

// A tab coming back to view, or the network coming back: read now rather than after the backoff.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') poller.pollNow();
});
window.addEventListener('online', () => poller.pollNow());

// The clock: ages, waits and "updated N s ago" move every second, between reads too.
setInterval(() => { if (poller.running) renderAll(); }, 1000);

onLanguageChange(() => {
  renderWho();
  people.render();
  renderSigninMessage();
  if (poller.running) renderAll();
  if (!signinSubmit.disabled) setText(signinSubmit, t('admin.signin.submit'));
});

// ---- start ----------------------------------------------------------------------------------------

bindLanguageSelect($('[data-test=language]'));
translate(document);

if (api.isSignedIn()) {
  // Show the dashboard at once; who we are is checked alongside the first reads.
  enterDashboard(null);
  api.me().then(me => {
    if (me.role !== 'admin') showNotAdmin(me);
    else { signedInAs = me; renderWho(); }
  }, error => {
    if (api.problemOf(error) === 'signedOut') endSession('admin.signin.expired');
  });
} else {
  show('signin');
  signinForm.elements.username.focus();
}
