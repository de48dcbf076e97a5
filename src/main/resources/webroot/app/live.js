// Every screen shows the user's live request or live session with the way back to it, on every
// device of theirs: what the server says (GET /api/v1/me/requests, /api/v1/me/sessions), asked
// again whenever something about requests or sessions happens, and whenever the view changes.
// A client whose last request was cancelled while they were away (or by the team, or for want of
// money) is told so once, with whether it cost anything, until they dismiss it.
import { h, setI18n } from './dom.js';
import { topicLabel } from './format.js';

const LIVE_REQUEST = new Set(['queued', 'offered']);
/** Cancellations the client did not see happen: they are told when back. */
const UNSEEN_CANCELLATION = new Set(['client_left', 'operator', 'unpayable']);
/** How long such a cancellation is still news. */
const NEWS_MS = 24 * 3600 * 1000;
const DISMISSED = 'tandem.dismissedCancellation';

function dismissed() {
  try { return localStorage.getItem(DISMISSED); } catch { return null; }
}

function dismiss(id) {
  try { localStorage.setItem(DISMISSED, id); } catch { /* private mode: shown again next time */ }
}
const LIVE_SESSION = new Set(['waiting', 'active']);
const EVENTS = ['request.status', 'request.matched', 'request.expired', 'session.ready', 'session.ended', 'room.presence'];

/** Mounts the banner into `root`; returns {refresh, destroy}. */
export function mountLiveBanner(ctx, root) {
  let live = null; // {kind: 'request' | 'session' | 'cancelled', id, peerName?, topic?, reason?}
  let timer = null;
  let asked = 0;
  let destroyed = false;

  const render = () => {
    const here = live && (location.hash === `#/waiting/${live.id}` || location.hash === `#/room/${live.id}`);
    if (!live || here) { root.hidden = true; root.replaceChildren(); return; }
    root.dataset.kind = live.kind;
    root.hidden = false;
    if (live.kind === 'cancelled') {
      const id = live.id;
      root.replaceChildren(
        setI18n(h('span', { dataTest: 'cancelled-notice' }), `live.cancelled.${live.reason}`, { topic: topicLabel(live.topic) }),
        h('button', { type: 'button', class: 'btn btn-quiet btn-small', dataTest: 'live-dismiss', i18n: 'live.dismiss',
          // A refresh asked before the click must not draw the notice back: it is dropped.
          on: { click: () => { dismiss(id); asked++; live = null; render(); } } }));
      return;
    }
    const text = live.kind === 'request'
      ? setI18n(h('span'), 'live.request')
      : setI18n(h('span'), live.peerName ? 'live.sessionWith' : 'live.session', { name: live.peerName || '' });
    const link = live.kind === 'request'
      ? h('a', { href: `#/waiting/${live.id}`, dataTest: 'live-link', i18n: 'live.openRequest' })
      : h('a', { href: `#/room/${live.id}`, dataTest: 'live-link', i18n: 'live.openRoom' });
    root.replaceChildren(text, link);
  };

  const refresh = async () => {
    const token = ++asked;
    try {
      const requests = ctx.me.role === 'client' ? (await ctx.tandem.get('/api/v1/me/requests?limit=1')).requests || [] : [];
      const request = requests.find(r => LIVE_REQUEST.has(r.status));
      let found = request ? { kind: 'request', id: request.id } : null;
      const last = requests[0];
      if (!found && last?.status === 'cancelled' && UNSEEN_CANCELLATION.has(last.reason) && last.id !== dismissed()
          && Date.now() - Date.parse(last.createdAt) < NEWS_MS) {
        found = { kind: 'cancelled', id: last.id, topic: last.topic, reason: last.reason };
      }
      if (!found || found.kind === 'cancelled') {
        const sessions = (await ctx.tandem.get('/api/v1/me/sessions?limit=5')).sessions || [];
        const session = sessions.find(s => LIVE_SESSION.has(s.status));
        if (session) found = { kind: 'session', id: session.id, peerName: session.peer?.displayName };
      }
      if (token !== asked || destroyed) return;
      if (found?.kind === 'cancelled' && found.id === dismissed()) found = null;
      live = found;
      render();
    } catch { /* keep what is shown; the next event asks again */ }
  };
  const refreshSoon = () => { clearTimeout(timer); timer = setTimeout(refresh, 300); };

  const subscriptions = EVENTS.map(type => ctx.tandem.on(type, refreshSoon));
  // A match ends the wait at once: the banner must not say "waiting" over the room while it asks again.
  subscriptions.push(ctx.tandem.on('request.matched', () => {
    if (live?.kind === 'request') { asked++; live = null; render(); }
  }));
  subscriptions.push(ctx.tandem.on('connection', ({ state }) => { if (state === 'open') refreshSoon(); }));
  // A new view: hidden at once on the live thing's own screen, asked again for the others.
  const viewChanged = () => { render(); refreshSoon(); };
  window.addEventListener('hashchange', viewChanged);
  refresh();
  return {
    refresh: refreshSoon,
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      subscriptions.forEach(off => off());
      window.removeEventListener('hashchange', viewChanged);
      root.hidden = true;
      root.replaceChildren();
    },
  };
}
