// The load and the check of load-tests/scripts/power-cut.sh (Node 20+, run with --experimental-websocket;
// no packages). Two phases:
//
//   node --experimental-websocket power-cut-driver.mjs drive <base URL> <state file> <rooms>
//     signs up <rooms> clients and enough experts (capacity 10 each), matches every client with an
//     expert, then both sides of every room send chat messages as fast as they are acknowledged,
//     until the server goes away (the power cut). Every acknowledgement is written to the state
//     file as it arrives (one JSON line each, with fsync): what the server promised.
//   node power-cut-driver.mjs check <base URL> <state file> <admin user> <admin password>
//     after the restart: every acknowledged message is in its room's transcript with its seq,
//     every acknowledged match is in the client's sessions and ledger (its hold), the ledger sums to zero.
import fs from 'node:fs';

const [phase, base, stateFile, ...rest] = process.argv.slice(2);
const wsBase = base.replace(/^http/, 'ws');

async function http(method, path, body, token) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function account(role, name) {
  const username = `${role[0]}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const password = `password-${username}`;
  const created = await http('POST', '/api/v1/accounts', { username, password, role, displayName: name });
  const tokens = await http('POST', '/api/v1/tokens', { username, password });
  return { id: created.id, username, password, token: tokens.accessToken };
}

/** A socket whose calls resolve with their answer frame; events go to onEvent. */
function socket(token, onEvent, onClose) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsBase}/ws?token=${encodeURIComponent(token)}`);
    const waiting = new Map();
    let next = 0;
    ws.onopen = () => resolve({
      call(type, fields = {}) {
        const cid = `c${next++}`;
        return new Promise((done, fail) => {
          waiting.set(cid, { done, fail });
          try { ws.send(JSON.stringify({ type, cid, ...fields })); } catch (e) { waiting.delete(cid); fail(e); }
        });
      },
      close() { ws.close(); },
    });
    ws.onerror = e => reject(e);
    ws.onmessage = e => {
      const frame = JSON.parse(e.data);
      const entry = frame.cid !== undefined ? waiting.get(frame.cid) : undefined;
      if (entry) { waiting.delete(frame.cid); entry.done(frame); } else onEvent?.(frame);
    };
    ws.onclose = () => {
      for (const entry of waiting.values()) entry.fail(new Error('closed'));
      waiting.clear();
      onClose?.();
    };
  });
}

const out = phase === 'drive' ? fs.openSync(stateFile, 'a') : null;
function promised(record) {
  fs.writeSync(out, JSON.stringify(record) + '\n');
  fs.fsyncSync(out);
}

async function drive(rooms) {
  // Experts take at most 10 sessions at once: as many experts as that needs.
  const offers = [];
  let gone = false;
  const experts = [];
  for (let left = rooms; left > 0; left -= 10) {
    const expert = await account('expert', `Power Cut Expert ${experts.length}`);
    await http('PUT', '/api/v1/experts/me', { topics: ['career.interview'], modes: ['chat'], capacity: Math.min(10, left) }, expert.token);
    const s = await socket(expert.token, frame => { if (frame.type === 'offer') offers.push({ offer: frame, expert: entry }); }, () => { gone = true; });
    const entry = { ...expert, socket: s };
    await s.call('presence.online');
    experts.push(entry);
  }
  const pairs = [];
  for (let i = 0; i < rooms; i++) {
    const client = await account('client', `Client ${i}`);
    const clientSocket = await socket(client.token, null, () => { gone = true; });
    await clientSocket.call('request.create', { topic: 'career.interview', mode: 'chat', brief: `power cut room ${i}` });
    while (offers.length === 0) await new Promise(r => setTimeout(r, 20));
    const { offer, expert } = offers.shift();
    const accepted = await expert.socket.call('offer.accept', { offerId: offer.offerId });
    if (accepted.type !== 'ack') throw new Error(`accept: ${JSON.stringify(accepted)}`);
    promised({ kind: 'match', sessionId: accepted.sessionId, client: client.username, clientPassword: client.password });
    for (const s of [clientSocket, expert.socket]) await s.call('room.join', { sessionId: accepted.sessionId });
    pairs.push({ sessionId: accepted.sessionId, sockets: [[client.id, clientSocket], [expert.id, expert.socket]] });
  }
  console.log(`${rooms} rooms matched and joined; chatting until the server goes away`);
  let acked = 0;
  const senders = pairs.flatMap(pair => pair.sockets.map(async ([sender, s], side) => {
    for (let n = 0; !gone; n++) {
      const clientMsgId = `${side}-${n}`;
      let answer;
      try {
        answer = await s.call('room.send', { sessionId: pair.sessionId, clientMsgId, text: `message ${n}` });
      } catch {
        return; // the server went away with this one in flight: not acknowledged
      }
      if (answer.type === 'ack') {
        promised({ kind: 'message', sessionId: pair.sessionId, sender, clientMsgId, seq: answer.seq });
        acked++;
      }
    }
  }));
  const ticker = setInterval(() => console.log(`${acked} messages acknowledged`), 5000);
  await Promise.all(senders);
  clearInterval(ticker);
  console.log(`the server went away after ${acked} acknowledged messages`);
}

async function check(adminUser, adminPassword) {
  const records = fs.readFileSync(stateFile, 'utf8').trim().split('\n').filter(Boolean).map(line => JSON.parse(line));
  const matches = records.filter(r => r.kind === 'match');
  const messages = records.filter(r => r.kind === 'message');
  let missing = 0;
  for (const match of matches) {
    const client = await http('POST', '/api/v1/tokens', { username: match.client, password: match.clientPassword });
    const sessions = await http('GET', '/api/v1/me/sessions', undefined, client.accessToken);
    if (!(sessions.sessions || []).some(s => s.id === match.sessionId)) { missing++; console.log(`LOST match ${match.sessionId}`); }
    const ledger = await http('GET', '/api/v1/me/ledger', undefined, client.accessToken);
    if (!ledger.entries.some(e => e.kind === 'hold' && e.sessionId === match.sessionId)) {
      missing++; console.log(`LOST the hold of ${match.sessionId}`);
    }
    const stored = new Map();
    for (let after = 0; ;) {
      const page = await http('GET', `/api/v1/sessions/${match.sessionId}/messages?afterSeq=${after}&limit=500`, undefined, client.accessToken);
      for (const m of page.messages) stored.set(m.seq, `${m.from}/${m.clientMsgId}`);
      if (page.messages.length < 500) break;
      after = page.messages[page.messages.length - 1].seq;
    }
    for (const m of messages.filter(r => r.sessionId === match.sessionId)) {
      if (stored.get(m.seq) !== `${m.sender}/${m.clientMsgId}`) {
        missing++;
        console.log(`LOST message ${m.clientMsgId} (seq ${m.seq}) of ${m.sessionId}: stored ${stored.get(m.seq)}`);
      }
    }
  }
  const admin = await http('POST', '/api/v1/tokens', { username: adminUser, password: adminPassword });
  const books = await http('GET', '/api/v1/admin/ledger', undefined, admin.accessToken);
  console.log(`checked ${matches.length} matches and ${messages.length} acknowledged messages: ${missing} lost; ledger total ${books.total}`);
  process.exit(missing === 0 && books.total === 0 ? 0 : 1);
}

if (phase === 'drive') await drive(Number(rest[0] || 8));
else if (phase === 'check') await check(rest[0], rest[1]);
else { console.error('usage: drive <base> <state> <rooms> | check <base> <state> <admin> <password>'); process.exit(2); }
