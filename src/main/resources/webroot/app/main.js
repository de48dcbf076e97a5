// The Tandem web app for clients and experts: one page, views chosen by the URL hash, so a reload
// returns to the same view. Test hooks: window.tandemApp = {tandem, call} (call: the active Call or null).
import { Tandem } from '/sdk/tandem.js';
import { t, translate, bindLanguageSelect, onLanguageChange } from '/i18n/i18n.js';
import { h, setI18n } from './dom.js';
import { errorText, clockTime, dateTime, duration } from './format.js';
import { renderSignIn, renderSignUp } from './auth.js';
import { renderNewRequest } from './request.js';
import { renderBrowse, renderExpertProfile } from './experts.js';
import { renderWaiting } from './waiting.js';
import { renderRoom } from './room.js';
import { renderAccount } from './account.js';
import { renderBookings } from './bookings.js';
import { renderProfile } from './profile.js';
import { renderExpertHome, mountExpertBar } from './expert.js';
import { mountLiveBanner } from './live.js';
import { loadTopics, readTopicsThrough } from './topics.js';

const tandem = new Tandem({ baseUrl: '', storage: window.localStorage });
readTopicsThrough(tandem);
window.tandemApp = { tandem, call: null };

const viewRoot = document.getElementById('view');
const nav = document.getElementById('nav');
const whoami = document.getElementById('whoami');
const signOutButton = document.getElementById('signout');
const banner = document.getElementById('connection-banner');
const expertBarRoot = document.getElementById('expert-bar');
const liveBannerRoot = document.getElementById('live-banner');
const toasts = document.getElementById('toasts');

const NOTICE_KEY = 'tandem.app.notices';

/** What every view gets: the SDK, who is signed in, navigation, toasts and cross-view notices. */
const ctx = {
  tandem,
  me: null,
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  toast(keyOrText, { kind = 'info', params, raw = false, timeoutMs = 6000, action } = {}) {
    const item = h('div', { class: `toast toast-${kind}`, dataTest: 'toast' });
    const text = h('span');
    if (raw) text.textContent = keyOrText; else setI18n(text, keyOrText, params);
    item.append(text);
    if (action) item.append(h('a', { class: 'toast-action', href: action.href, i18n: action.key, on: { click: () => item.remove() } }));
    const close = h('button', { type: 'button', class: 'toast-close', i18nAttr: 'aria-label:app.dismiss', text: '×', on: { click: () => item.remove() } });
    item.append(close);
    toasts.append(item);
    if (timeoutMs) setTimeout(() => item.remove(), timeoutMs);
    return item;
  },
  toastError(error) {
    ctx.toast(errorText(error), { kind: 'error', raw: true });
  },
  /** A notice for the waiting screen of one request, kept in sessionStorage so a reload still shows it. */
  setNotice(requestId, key) {
    const notices = readNotices();
    notices[requestId] = key;
    sessionStorage.setItem(NOTICE_KEY, JSON.stringify(notices));
  },
  peekNotice(requestId) {
    return readNotices()[requestId] || null;
  },
  clearNotice(requestId) {
    const notices = readNotices();
    delete notices[requestId];
    sessionStorage.setItem(NOTICE_KEY, JSON.stringify(notices));
  },
  setCall(call) {
    window.tandemApp.call = call || null;
  },
  /** 'relay' when localStorage['tandem.iceTransportPolicy'] says so (tests force TURN this way), else 'all'. */
  iceTransportPolicy() {
    return window.localStorage.getItem('tandem.iceTransportPolicy') === 'relay' ? 'relay' : 'all';
  },
  /** The profile form calls this as a save starts (`saved`: a promise of true or false): "Go online" waits for it. */
  profileSaving(saved) {
    expertBar?.profileSaving?.(saved);
  },
  /** The profile form calls this after a successful save (the expert bar stops pointing to it). */
  profileSaved() {
    expertBar?.profileSaved?.();
  },
  /** Whether the expert bar's "Go online" would take the expert online now (offline, not suspended). */
  canGoOnline() {
    return Boolean(expertBar?.canGoOnline?.());
  },
  /** The expert bar's "Go online", for a button elsewhere (the profile form's, after a save). */
  goOnline() {
    expertBar?.goOnline?.();
  },
  homeHash() {
    if (!ctx.me) return '#/signin';
    if (ctx.me.role === 'expert') return '#/expert';
    if (ctx.me.role === 'client') return '#/request';
    return '#/admin-notice';
  },
};

function readNotices() {
  try { return JSON.parse(sessionStorage.getItem(NOTICE_KEY) || '{}'); } catch { return {}; }
}

// ---- routing ------------------------------------------------------------------------------

const routes = [
  { pattern: /^\/signin$/, view: renderSignIn, public: true },
  { pattern: /^\/signup$/, view: renderSignUp, public: true },
  { pattern: /^\/request$/, view: renderNewRequest, role: 'client', nav: 'request' },
  { pattern: /^\/request\/([\w.-]+)$/, view: renderNewRequest, role: 'client', nav: 'request' },
  { pattern: /^\/request\/([\w.-]+)\/([\w-]+)$/, view: renderNewRequest, role: 'client', nav: 'request' },
  // The directory: anyone, signed in or not, may see who the experts are before asking.
  { pattern: /^\/browse$/, view: renderBrowse, open: true, nav: 'browse' },
  { pattern: /^\/browse\/([\w.%-]+)$/, view: renderBrowse, open: true, nav: 'browse' },
  { pattern: /^\/experts\/([\w-]+)$/, view: renderExpertProfile, open: true, nav: 'browse' },
  { pattern: /^\/waiting\/([\w-]+)$/, view: renderWaiting, role: 'client', nav: 'request' },
  { pattern: /^\/room\/([\w-]+)$/, view: renderRoom },
  { pattern: /^\/account$/, view: renderAccount, nav: 'account' },
  { pattern: /^\/bookings$/, view: renderBookings, nav: 'bookings' },
  { pattern: /^\/profile$/, view: renderProfile, role: 'expert', nav: 'profile' },
  { pattern: /^\/expert$/, view: renderExpertHome, role: 'expert', nav: 'expert' },
  { pattern: /^\/admin-notice$/, view: renderAdminNotice, role: 'admin' },
];

let currentView = null;
const RETURN_KEY = 'tandem.app.returnTo';
let routeToken = 0;

async function route() {
  const token = ++routeToken;
  const path = (location.hash || '#/').replace(/^#/, '') || '/';
  if (currentView?.destroy) {
    try { currentView.destroy(); } catch (error) { console.error('view cleanup failed', error); }
  }
  currentView = null;

  let match = null;
  let found = null;
  for (const candidate of routes) {
    match = candidate.pattern.exec(path);
    if (match) { found = candidate; break; }
  }
  if (!tandem.signedIn && !(found?.public || found?.open)) {
    location.replace('#/signin'); // hashchange routes again
    return;
  }
  if (tandem.signedIn && !ctx.me) {
    await loadMe();
    if (token !== routeToken) return;
    if (!ctx.me) return;
  }
  if (!found || (found.public && ctx.me) || (found.role && ctx.me && ctx.me.role !== found.role)) {
    const home = ctx.homeHash();
    if (location.hash !== home) { location.replace(home); return; } // hashchange routes again
  }
  if (!found) return;

  renderNav(found.nav);
  // Lets style.css lay a view out around the page chrome (e.g. a compact expert bar in a room).
  document.body.dataset.view = found.view === renderRoom ? 'room' : (found.nav || 'other');
  viewRoot.replaceChildren();
  try {
    currentView = found.view(ctx, ...match.slice(1)) || null;
    const element = currentView?.element || currentView;
    if (element instanceof Node) viewRoot.append(element);
    translate(viewRoot);
    const heading = viewRoot.querySelector('h1');
    if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  } catch (error) {
    console.error('view failed', error);
    viewRoot.append(h('p', { class: 'form-status error', text: errorText(error) }));
  }
}

function renderAdminNotice() {
  return h('section', { class: 'card narrow stack', dataTest: 'admin-notice' },
    h('h1', { i18n: 'admin.title' }),
    h('p', { i18n: 'admin.body' }),
    h('p', {}, h('a', { class: 'btn btn-primary', href: '/admin', i18n: 'admin.open' })));
}

function renderNav(active) {
  const links = [];
  if (!ctx.me) {
    links.push(['browse', '#/browse', 'nav.browse'], ['signin', '#/signin', 'nav.signIn']);
  } else if (ctx.me.role === 'client') {
    links.push(['request', '#/request', 'nav.request'], ['browse', '#/browse', 'nav.browse'], ['bookings', '#/bookings', 'nav.bookings'],
      ['account', '#/account', 'nav.account']);
  } else if (ctx.me.role === 'expert') {
    links.push(['expert', '#/expert', 'nav.expertHome'], ['profile', '#/profile', 'nav.profile'], ['bookings', '#/bookings', 'nav.bookings'],
      ['account', '#/account', 'nav.account']);
  }
  nav.replaceChildren(...links.map(([name, href, key]) =>
    h('a', { href, i18n: key, 'aria-current': name === active ? 'page' : undefined, dataTest: `nav-${name}` })));
  signOutButton.hidden = !tandem.signedIn;
  whoami.textContent = ctx.me ? ctx.me.displayName : '';
}

// ---- session lifecycle -----------------------------------------------------------------------

let sessionSubscriptions = [];
let expertBar = null;
let liveBanner = null;

async function loadMe() {
  try {
    ctx.me = await tandem.me();
  } catch (error) {
    console.warn('could not load the account', error);
    if (error?.status === 401 || error?.code === 'unauthorized') {
      tandem.signOut();
      ctx.me = null;
      location.replace('#/signin');
      return;
    }
    viewRoot.replaceChildren(h('section', { class: 'card narrow stack' },
      h('p', { class: 'form-status error', text: errorText(error) }),
      h('button', { type: 'button', class: 'btn', i18n: 'app.retry', on: { click: () => route() } })));
    return;
  }
  startSignedIn();
}

/** Called once the account is known: open the socket and listen to what concerns every view. */
function startSignedIn() {
  stopSignedIn();
  if (ctx.me.role === 'admin') return;
  tandem.connect();
  sessionSubscriptions.push(tandem.on('connection', ({ state }) => showConnection(state)));
  showConnection(tandem.connection);
  if (ctx.me.role === 'client') {
    sessionSubscriptions.push(tandem.on('request.matched', event => {
      rememberSessionRequest(event.sessionId, event.requestId);
      ctx.navigate(`#/room/${event.sessionId}`);
    }));
    // The expert failed the client (did not show, or left): the request is back at the front of the queue.
    sessionSubscriptions.push(tandem.on('session.ended', event => {
      if (event.status === 'expert_no_show' || event.status === 'expert_left') handleExpertFailed(event);
    }));
  }
  // The peer calls while this user looks at another view: say so, with a way into the room.
  sessionSubscriptions.push(tandem.on('call.incoming', event => {
    if (location.hash === `#/room/${event.sessionId}`) return;
    const name = tandem.sessionInfo(event.sessionId)?.peer?.displayName || '';
    ctx.toast('call.incomingElsewhere', { params: { name }, timeoutMs: 20000, action: { key: 'call.openRoom', href: `#/room/${event.sessionId}` } });
  }));
  // A session about to end by itself (someone left it alone, or it ran its maximum length): the
  // warning stays until the session ends or someone comes back (a later warning replaces it).
  const endingWarnings = new Map(); // sessionId -> toast
  const dropWarning = sessionId => { endingWarnings.get(sessionId)?.remove(); endingWarnings.delete(sessionId); };
  sessionSubscriptions.push(tandem.on('session.ending', event => {
    dropWarning(event.sessionId);
    const inRoom = location.hash === `#/room/${event.sessionId}`;
    endingWarnings.set(event.sessionId, ctx.toast(`session.ending.${event.reason === 'alone' ? 'alone' : 'maxDuration'}`, {
      kind: 'warning', params: { time: clockTime(event.endsAt) }, timeoutMs: 0,
      action: inRoom ? undefined : { key: 'call.openRoom', href: `#/room/${event.sessionId}` },
    }));
  }));
  sessionSubscriptions.push(tandem.on('session.ended', event => dropWarning(event.sessionId)));
  sessionSubscriptions.push(tandem.on('room.presence', event => {
    if (event.state === 'joined' || event.state === 'reconnected') dropWarning(event.sessionId);
  }));
  // A booked session opened (its start came): the way in, wherever the person is (once per session on this page).
  const opened = new Set();
  sessionSubscriptions.push(tandem.on('session.ready', event => {
    // The Bookings page shows the way in itself; the room needs none.
    if (!event.bookingId || opened.has(event.sessionId) || location.hash === `#/room/${event.sessionId}` || location.hash === '#/bookings') return;
    opened.add(event.sessionId);
    ctx.toast('bookings.opened', { params: { name: event.peer?.displayName ?? '' }, timeoutMs: 0,
      action: { key: 'bookings.enter', href: `#/room/${event.sessionId}` } });
  }));
  // What the other side of a booking did: a client booked this expert; the other side cancelled.
  sessionSubscriptions.push(tandem.on('booking.confirmed', event => ctx.toast('bookings.bookedYou',
    { params: { name: event.peer.displayName, when: dateTime(event.startAt) }, timeoutMs: 15000, action: { key: 'nav.bookings', href: '#/bookings' } })));
  sessionSubscriptions.push(tandem.on('booking.cancelled', event => ctx.toast(event.cancelledBy === 'expert'
    ? 'bookings.expertCancelled' : event.cancelFee > 0 ? 'bookings.clientCancelledLate' : 'bookings.clientCancelled',
    { kind: 'warning', params: { name: event.peer.displayName, when: dateTime(event.startAt) }, timeoutMs: 15000,
      action: { key: 'nav.bookings', href: '#/bookings' } })));
  // A booking starts soon (a day and 10 minutes ahead by default): say so wherever the person is.
  sessionSubscriptions.push(tandem.on('booking.reminder', event => {
    const seconds = Math.max(60, Math.round((new Date(event.startAt).getTime() - Date.now()) / 1000));
    ctx.toast('bookings.reminder', { params: { name: event.peer.displayName, time: duration(seconds) }, timeoutMs: 30000,
      action: { key: 'nav.bookings', href: '#/bookings' } });
  }));
  sessionSubscriptions.push(tandem.on('penalty', event => {
    // The kind, in the reader's language (the server's reason is English).
    ctx.toast(event.waived ? 'penalty.receivedWaived' : event.points === 1 ? 'penalty.receivedOne' : 'penalty.received',
      { kind: event.waived ? 'info' : 'warning', params: { reason: t(`penaltyKind.${event.kind}`), points: event.points }, timeoutMs: 12000 });
  }));
  if (ctx.me.role === 'expert') expertBar = mountExpertBar(ctx, expertBarRoot);
  liveBanner = mountLiveBanner(ctx, liveBannerRoot);
}

function stopSignedIn() {
  for (const off of sessionSubscriptions) off();
  sessionSubscriptions = [];
  expertBar?.destroy();
  expertBar = null;
  liveBanner?.destroy();
  liveBanner = null;
  expertBarRoot.hidden = true;
  banner.hidden = true;
}

const SESSION_REQUESTS_KEY = 'tandem.app.sessionRequests';
function rememberSessionRequest(sessionId, requestId) {
  let map = {};
  try { map = JSON.parse(localStorage.getItem(SESSION_REQUESTS_KEY) || '{}'); } catch { /* start over */ }
  map[sessionId] = requestId;
  const keys = Object.keys(map);
  for (const key of keys.slice(0, Math.max(0, keys.length - 20))) delete map[key];
  localStorage.setItem(SESSION_REQUESTS_KEY, JSON.stringify(map));
}

/** The request a session came from: the SDK's session.ready, our own memory, else the server. */
export async function requestIdOfSession(sessionId) {
  const info = tandem.sessionInfo ? tandem.sessionInfo(sessionId) : null;
  if (info?.requestId) return info.requestId;
  try {
    const map = JSON.parse(localStorage.getItem(SESSION_REQUESTS_KEY) || '{}');
    if (map[sessionId]) return map[sessionId];
  } catch { /* ask the server */ }
  const session = await tandem.get(`/api/v1/sessions/${sessionId}`);
  return session.requestId;
}
ctx.requestIdOfSession = requestIdOfSession;

/**
 * The expert did not show, or left: the client's request is back at the front of the queue (unless
 * the client asked again meanwhile); say so on its waiting screen, after a moment on the room's
 * end screen for one who was in it.
 */
async function handleExpertFailed(event) {
  try {
    const requestId = await requestIdOfSession(event.sessionId);
    // A booked session has no request to go back to: the room's end screen says so.
    if (!requestId) return;
    const request = await tandem.get(`/api/v1/requests/${requestId}`);
    if (request.status !== 'queued' && request.status !== 'offered') return;
    ctx.setNotice(requestId, event.status === 'expert_left' ? 'notice.expertLeft' : 'notice.expertNoShow');
    const inRoom = location.hash === `#/room/${event.sessionId}`;
    if (!inRoom || event.status === 'expert_no_show') { ctx.navigate(`#/waiting/${requestId}`); return; }
    ctx.toast('notice.expertLeft', { kind: 'warning', timeoutMs: 0, action: { key: 'live.openRequest', href: `#/waiting/${requestId}` } });
  } catch (error) {
    ctx.toastError(error);
  }
}

let bannerTimer = null;
let bannerHideTimer = null;
function showConnection(state) {
  if (state === 'open') {
    clearTimeout(bannerTimer);
    bannerTimer = null;
    if (!banner.hidden && !banner.classList.contains('ok')) {
      setI18n(banner, 'connection.restored');
      banner.className = 'connection-banner ok';
      bannerHideTimer = setTimeout(() => { banner.hidden = true; }, 1500);
    }
    return;
  }
  clearTimeout(bannerHideTimer);
  if (!banner.hidden && banner.classList.contains('ok')) banner.hidden = true;
  // A short blip is not worth a banner; a connection that stays down is. It flips between
  // 'closed' and 'connecting' while retrying, which must not restart the wait.
  if (bannerTimer || !banner.hidden) return;
  bannerTimer = setTimeout(() => {
    bannerTimer = null;
    setI18n(banner, 'connection.reconnecting');
    banner.className = 'connection-banner';
    banner.hidden = false;
  }, 1000);
}

// ---- start ----------------------------------------------------------------------------------

bindLanguageSelect(document.getElementById('language'));
translate(document);
document.title = t('app.title');
onLanguageChange(() => {
  document.title = t('app.title');
  currentView?.onLanguageChange?.();
});

signOutButton.addEventListener('click', () => {
  ctx.setCall(null);
  stopSignedIn();
  tandem.signOut();
  ctx.me = null;
  location.hash = '#/signin';
});

tandem.on('signedOut', ({ reason } = {}) => {
  stopSignedIn();
  ctx.me = null;
  if (reason && reason !== 'signOut') ctx.toast('auth.signedOutExpired', { kind: 'warning' });
  location.hash = '#/signin';
});

/** The sign-in and sign-up views call this once tokens are in place. */
ctx.afterSignIn = async () => {
  ctx.me = null;
  await loadMe();
  if (!ctx.me) return;
  const returnTo = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  ctx.navigate(returnTo || ctx.homeHash());
};

/** Where to go once signed in or up (a view that sent a visitor to sign in); kept for this tab only. */
ctx.returnAfterSignIn = hash => sessionStorage.setItem(RETURN_KEY, hash);

window.addEventListener('hashchange', route);
// Topic names come from the server's catalogue: the first view waits for them a little (they name
// topics everywhere), never long; without them a topic shows its slug.
Promise.race([loadTopics().catch(error => console.warn('topics unavailable', error)), new Promise(resolve => setTimeout(resolve, 1500))])
  .then(() => route());
