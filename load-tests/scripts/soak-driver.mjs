// The load of load-tests/scripts/soak.sh (Node 20+, run with --experimental-websocket; no packages):
//
//   node --experimental-websocket soak-driver.mjs <base URL> <minutes> <sockets> <rooms> <out.csv>
//
// - <sockets> idle connections of 100 clients, each closed and opened again about once a minute;
// - <rooms> rooms chatting, each side one message a second, the ack's latency recorded;
// - a whole consultation every 2 s (request, offer, accept, both join, one message, end);
// - every connection reconnects by itself (1 s) when the server goes away (the restart in the middle).
// Every 30 s one line goes to <out.csv>: seconds,acks,p50_ms,p99_ms,send_errors,consultations,consultation_failures,reconnects,open_sockets
import fs from 'node:fs';

const [base, minutesArg, socketsArg, roomsArg, outFile] = process.argv.slice(2);
const wsBase = base.replace(/^http/, 'ws');
const endAt = Date.now() + Number(minutesArg) * 60_000;
const TOPIC = 'career.interview';

async function http(method, path, body, token) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(base + path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 503 && attempt < 60) { await sleep(1000); continue; }
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : {};
    } catch (e) {
      if (attempt < 60 && /fetch failed|ECONNREFUSED/.test(String(e.cause ?? e))) { await sleep(1000); continue; }
      throw e;
    }
  }
}
const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Every account of the load: their access tokens expire (auth.accessTokenSeconds), so they are refreshed as an app would. */
const accounts = [];

async function account(role) {
  const username = `${role[0]}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const password = `password-${username}`;
  const created = await http('POST', '/api/v1/accounts', { username, password, role, displayName: `Soak ${role}` });
  const tokens = await http('POST', '/api/v1/tokens', { username, password });
  const a = { id: created.id, token: tokens.accessToken, refreshToken: tokens.refreshToken };
  accounts.push(a);
  return a;
}

/** New tokens for every account, well before the access tokens expire (900 s by default). */
async function refreshAll() {
  for (const a of accounts) {
    try {
      const tokens = await http('POST', '/api/v1/tokens/refresh', { refreshToken: a.refreshToken });
      a.token = tokens.accessToken;
      a.refreshToken = tokens.refreshToken;
    } catch (e) {
      console.log(`token refresh failed: ${e.message}`);
    }
  }
}

const stats = { acks: [], sendErrors: 0, consultations: 0, consultationFailures: 0, reconnects: 0, open: 0 };

/** A connection that comes back by itself; call() answers with the reply frame, or rejects when the socket drops. */
function connection(owner, onEvent, onOpen) {
  const c = { ws: null, waiting: new Map(), next: 0, closed: false, ready: null };
  const open = () => {
    c.ready = new Promise(resolve => {
      const ws = new WebSocket(`${wsBase}/ws?token=${encodeURIComponent(owner.token)}`);
      let opened = false;
      c.ws = ws;
      ws.onopen = () => { opened = true; stats.open++; resolve(); onOpen?.(c); };
      ws.onmessage = e => {
        const frame = JSON.parse(e.data);
        const entry = frame.cid !== undefined ? c.waiting.get(frame.cid) : undefined;
        if (entry) { c.waiting.delete(frame.cid); entry.done(frame); } else onEvent?.(frame, c);
      };
      // A refused connection may report only an error, a dropped one only a close: either ends this socket, once.
      let ended = false;
      const gone = () => {
        if (ended) return;
        ended = true;
        if (c.ws === ws) {
          for (const entry of c.waiting.values()) entry.fail(new Error('closed'));
          c.waiting.clear();
          c.ws = null;
        }
        if (opened) stats.open--;
        resolve(); // callers waiting for this socket go on, fail and retry with the next one
        if (!c.closed) { stats.reconnects++; setTimeout(open, 1000); }
      };
      ws.onerror = gone;
      ws.onclose = gone;
    });
  };
  c.call = async (type, fields = {}) => {
    await c.ready;
    const cid = `c${c.next++}`;
    return new Promise((done, fail) => {
      c.waiting.set(cid, { done, fail });
      try { c.ws.send(JSON.stringify({ type, cid, ...fields })); } catch (e) { c.waiting.delete(cid); fail(e); }
    });
  };
  c.cycle = () => { c.ws?.close(); };
  c.close = () => { c.closed = true; c.ws?.close(); };
  open();
  return c;
}

async function main() {
  const sockets = Number(socketsArg), rooms = Number(roomsArg);
  // Experts: one per 10 rooms for the chat, one for the consultations (capacity 10 each).
  const offers = [];
  const experts = [];
  for (let i = 0; i < Math.ceil(rooms / 10) + 1; i++) {
    const e = await account('expert');
    await http('PUT', '/api/v1/experts/me', { topics: [TOPIC], modes: ['chat'], capacity: 10 }, e.token);
    e.conn = connection(e, frame => { if (frame.type === 'offer') offers.push({ offer: frame, expert: e }); },
      c => c.call('presence.online').catch(() => {}));
    await e.conn.ready;
    experts.push(e);
  }
  const takeOffer = async () => {
    for (let waited = 0; offers.length === 0; waited += 20) {
      if (waited > 30_000) throw new Error('no offer within 30 s');
      await sleep(20);
    }
    return offers.shift();
  };
  // The chat rooms.
  const pairs = [];
  for (let i = 0; i < rooms; i++) {
    const client = await account('client');
    client.conn = connection(client);
    await client.conn.call('request.create', { topic: TOPIC, mode: 'chat' });
    const { offer, expert } = await takeOffer();
    const accepted = await expert.conn.call('offer.accept', { offerId: offer.offerId });
    pairs.push({ sessionId: accepted.sessionId, sides: [client.conn, expert.conn] });
  }
  for (const pair of pairs) {
    for (const side of pair.sides) {
      await side.call('room.join', { sessionId: pair.sessionId });
    }
  }
  // Idle sockets of 100 clients.
  const holders = [];
  for (let i = 0; i < 100; i++) holders.push(await account('client'));
  const idle = [];
  for (let i = 0; i < sockets; i++) idle.push(connection(holders[i % holders.length]));
  // Consultation clients.
  const consulting = [];
  for (let i = 0; i < 20; i++) consulting.push(await account('client'));
  for (const c of consulting) c.conn = connection(c);
  const refresher = setInterval(refreshAll, Number(process.env.SOAK_REFRESH_MS || 600_000));

  console.log(`soak: ${rooms} rooms, ${sockets} idle sockets, a consultation every 2 s, until ${new Date(endAt).toISOString()}`);
  const started = Date.now();
  fs.writeFileSync(outFile, 'seconds,acks,p50_ms,p99_ms,send_errors,consultations,consultation_failures,reconnects,open_sockets\n');
  const window = setInterval(() => {
    const sorted = stats.acks.sort((a, b) => a - b);
    const pct = p => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
    fs.appendFileSync(outFile, [Math.round((Date.now() - started) / 1000), sorted.length, pct(0.5).toFixed(1), pct(0.99).toFixed(1),
      stats.sendErrors, stats.consultations, stats.consultationFailures, stats.reconnects, stats.open].join(',') + '\n');
    stats.acks = []; stats.sendErrors = 0; stats.consultations = 0; stats.consultationFailures = 0; stats.reconnects = 0;
  }, 30_000);

  const running = [];
  // Chat: each side a message a second.
  for (const pair of pairs) {
    pair.sides.forEach((side, n) => running.push((async () => {
      let lastWs = null;
      for (let i = 0; Date.now() < endAt; i++) {
        await sleep(1000);
        try {
          await side.ready;
          // After a reconnect (the restart), join again so that room.send goes on working.
          if (side.ws !== lastWs) { lastWs = side.ws; if (i > 0) await side.call('room.join', { sessionId: pair.sessionId }); }
          const sent = performance.now();
          const answer = await side.call('room.send', { sessionId: pair.sessionId, clientMsgId: `${n}-${i}`, text: `soak ${i}` });
          if (answer.type === 'ack') stats.acks.push(performance.now() - sent); else stats.sendErrors++;
        } catch { stats.sendErrors++; }
      }
    })()));
  }
  // Churn: about one idle socket in 60 cycled every second.
  running.push((async () => {
    while (Date.now() < endAt) {
      await sleep(1000);
      for (let k = 0; k < Math.max(1, Math.round(idle.length / 60)); k++) idle[Math.floor(Math.random() * idle.length)].cycle();
    }
  })());
  // Consultations: one every 2 s, whole.
  running.push((async () => {
    for (let i = 0; Date.now() < endAt; i++) {
      await sleep(2000);
      const client = consulting[i % consulting.length];
      try {
        const created = await client.conn.call('request.create', { topic: TOPIC, mode: 'chat' });
        if (created.type !== 'ack') throw new Error(JSON.stringify(created));
        const { offer, expert } = await takeOffer();
        const accepted = await expert.conn.call('offer.accept', { offerId: offer.offerId });
        if (accepted.type !== 'ack') throw new Error(JSON.stringify(accepted));
        await client.conn.call('room.join', { sessionId: accepted.sessionId });
        await expert.conn.call('room.join', { sessionId: accepted.sessionId });
        await client.conn.call('room.send', { sessionId: accepted.sessionId, clientMsgId: 'hello', text: 'hello' });
        const ended = await client.conn.call('session.end', { sessionId: accepted.sessionId });
        if (ended.type !== 'ack') throw new Error(JSON.stringify(ended));
        stats.consultations++;
      } catch (e) {
        stats.consultationFailures++;
        offers.length = 0;
        if (stats.consultationFailures < 5) console.log(`consultation failed: ${e.message}`);
      }
    }
  })());
  await Promise.all(running);
  clearInterval(window);
  clearInterval(refresher);
  [...idle, ...consulting.map(c => c.conn), ...pairs.flatMap(p => p.sides), ...experts.map(e => e.conn)].forEach(c => c.close());
  console.log('soak: done');
  setTimeout(() => process.exit(0), 500);
}

main().catch(e => { console.error(e); process.exit(1); });
