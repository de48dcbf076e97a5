// The console's door to the server: sign-in and authenticated JSON calls, through the SDK
// (/sdk/tandem.js: silent refresh, one refresh at a time, TandemError {code, message, status}).
// The console never opens the WebSocket: everything it shows comes from the admin reads.
//
// Tokens are kept apart from the app's: the SDK gets a storage whose keys are prefixed
// 'tandem.console.', so an operator signed in here can be a client or expert in the app, in the
// same browser, without either signing the other out.
import { Tandem } from '/sdk/tandem.js';

const PREFIX = 'tandem.console.';

/** localStorage seen through a key prefix (or the page's memory when storage is blocked). */
function consoleStorage() {
  const memory = new Map();
  const local = (() => { try { return window.localStorage; } catch { return null; } })();
  return {
    getItem: key => { try { return local ? local.getItem(PREFIX + key) : (memory.get(key) ?? null); } catch { return memory.get(key) ?? null; } },
    setItem: (key, value) => { try { if (local) local.setItem(PREFIX + key, value); else memory.set(key, String(value)); } catch { memory.set(key, String(value)); } },
    removeItem: key => { try { local?.removeItem(PREFIX + key); } catch { /* ignore */ } memory.delete(key); },
  };
}

const tandem = new Tandem({ baseUrl: '', storage: consoleStorage() });

// Another console tab signed out: follow it here too (the SDK watches only its own storage object).
window.addEventListener('storage', event => {
  if (event.key === `${PREFIX}tandem.tokens` && event.newValue === null && tandem.signedIn) tandem.signOut();
});

/** Signs in and answers who that is ({id, username, role, displayName}). */
export function signIn(username, password) {
  return tandem.signIn(username, password);
}

export function signOut() {
  tandem.signOut();
}

export function isSignedIn() {
  return tandem.signedIn;
}

/** listener({expired}) when the tokens are gone: refused at refresh, or another tab signed out. */
export function onSignedOut(listener) {
  return tandem.on('signedOut', ({ reason }) => listener({ expired: reason !== 'signOut' }));
}

/** The server's clock now (epoch ms; the local clock corrected by the Date headers seen), for ages of server times. */
export const serverNow = () => tandem.serverNow();
export const me = () => tandem.me();
export const get = path => tandem.get(path);
/** options: {headers} (an Idempotency-Key, for actions that move money). */
export const post = (path, body, options) => tandem.post(path, body, options);

/**
 * What kind of trouble an error is, for the console's status line:
 * 'unavailable' (503: the server is up but cannot serve), 'unreachable' (no answer at all),
 * 'signedOut', 'forbidden', or 'other'.
 */
export function problemOf(error) {
  if (error?.status === 503 || error?.code === 'unavailable') return 'unavailable';
  if (error?.status === 401 || error?.code === 'unauthorized') return 'signedOut';
  if (error?.status === 403 || error?.code === 'forbidden') return 'forbidden';
  if (!error?.status || error?.code === 'network' || error?.code === 'timeout' || error instanceof TypeError) return 'unreachable';
  if (error.status === 502 || error.status === 504) return 'unreachable';
  return 'other';
}
