// Every screen shows the user's live request or live session with the way back to it, on every
// device of theirs: what the server says (GET /api/v1/me/requests, /api/v1/me/sessions), asked
// again whenever something about requests or sessions happens, and whenever the view changes.
import { h, setI18n } from './dom.js';

const LIVE_REQUEST = new Set(['queued', 'offered']);
const LIVE_SESSION = new Set(['waiting', 'active']);
const EVENTS = ['request.status', 'request.matched', 'request.expired', 'session.ready', 'session.ended', 'room.presence'];

/** Mounts the banner into `root`; returns {refresh, destroy}. */
export function mountLiveBanner(ctx, root) {
  let live = null; // {kind: 'request' | 'session', id, peerName?}
  let timer = null;
  let asked = 0;
  let destroyed = false;

  const render = () => {
    const here = live && (location.hash === `#/waiting/${live.id}` || location.hash === `#/room/${live.id}`);
    if (!live || here) { root.hidden = true; root.replaceChildren(); return; }
    const text = live.kind === 'request'
      ? setI18n(h('span'), 'live.request')
      : setI18n(h('span'), live.peerName ? 'live.sessionWith' : 'live.session', { name: live.peerName || '' });
    const link = live.kind === 'request'
      ? h('a', { href: `#/waiting/${live.id}`, dataTest: 'live-link', i18n: 'live.openRequest' })
      : h('a', { href: `#/room/${live.id}`, dataTest: 'live-link', i18n: 'live.openRoom' });
    root.replaceChildren(text, link);
    root.dataset.kind = live.kind;
    root.hidden = false;
  };

  const refresh = async () => {
    const token = ++asked;
    try {
      const requests = ctx.me.role === 'client' ? (await ctx.tandem.get('/api/v1/me/requests?limit=1')).requests || [] : [];
      const request = requests.find(r => LIVE_REQUEST.has(r.status));
      let found = request ? { kind: 'request', id: request.id } : null;
      if (!found) {
        const sessions = (await ctx.tandem.get('/api/v1/me/sessions?limit=5')).sessions || [];
        const session = sessions.find(s => LIVE_SESSION.has(s.status));
        if (session) found = { kind: 'session', id: session.id, peerName: session.peer?.displayName };
      }
      if (token !== asked || destroyed) return;
      live = found;
      render();
    } catch { /* keep what is shown; the next event asks again */ }
  };
  const refreshSoon = () => { clearTimeout(timer); timer = setTimeout(refresh, 300); };

  const subscriptions = EVENTS.map(type => ctx.tandem.on(type, refreshSoon));
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
