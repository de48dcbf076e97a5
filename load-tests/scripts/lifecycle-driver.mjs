// Whole consultations at a fixed arrival rate, both roles, for docs/benchmarks.md (one Node process,
// the `ws` package of baselines/node-relay: run `npm ci` there first; the server must run with
// TANDEM_LOAD_TEST_SEED_ENABLED=true):
//
//   node lifecycle-driver.mjs --base http://localhost:8080 --rate 50 --seconds 30 --experts 200 --topics 16 \
//     [--warmup 10] [--pid <server pid>] [--pgport 54329]
//
// --experts experts (capacity 1, chat) spread over the first --topics listed topics go online and
// take every offer at once. Clients arrive at --rate a second (open model: a slow server does not
// slow the arrivals), each a fresh account on a fresh connection: request.create, request.matched,
// room.join, one message each way (the expert answers the client's), session.end, a rating. Timed
// per step, from the client's side: connect, create (its ack), offer (create to the expert's
// offer), match (create to request.matched), join, send (its ack), reply (send to the expert's
// answer delivered), end (its ack), rating (the POST), and the whole consultation. Prints one line
// of JSON: completed consultations a second, each step's p50/p99, failures (with the first few
// reasons), and with --pid the server's and every `postgres` process's CPU per consultation, with
// --pgport (psql on the PATH) WAL records, WAL bytes, WAL flushes (fsyncs: the durable commits,
// grouped) and transactions (read-only ones included) per consultation.
import { randomUUID } from 'node:crypto';
import { WebSocket, flags, cpuSeconds, walAndTransactions, pct } from './measure.mjs';


const args = flags();
const base = args.base ?? 'http://localhost:8080';
const rate = Number(args.rate ?? 50);
const seconds = Number(args.seconds ?? 30);
const warmup = Number(args.warmup ?? 10);
const expertCount = Number(args.experts ?? 200);
const topicCount = Number(args.topics ?? 16);
const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const STEP_TIMEOUT_MS = 60_000;

async function http(method, pathName, body, token) {
  const res = await fetch(base + pathName, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${pathName}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : {};
}

/** A socket: call(type, fields) answers the frame with its cid; next(type) the next event of that type. */
function connect(token, onEvent = () => {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
    const waiting = new Map();
    const wanted = new Map(); // event type -> [resolve]
    const early = new Map(); // event type -> [frame] that came before anyone waited
    let next = 0;
    ws.on('message', data => {
      const frame = JSON.parse(data);
      const done = frame.cid !== undefined && waiting.get(frame.cid);
      if (done) { waiting.delete(frame.cid); done(frame); return; }
      const waiters = wanted.get(frame.type);
      if (waiters?.length) waiters.shift()(frame);
      else if (!onEvent(frame)) (early.get(frame.type) ?? early.set(frame.type, []).get(frame.type)).push(frame);
    });
    ws.on('error', reject);
    ws.on('close', () => { for (const done of waiting.values()) done({ type: 'error', code: 'closed' }); waiting.clear(); });
    ws.on('open', () => resolve({
      ws,
      call(type, fields = {}) {
        const cid = `c${next++}`;
        return within(new Promise(done => { waiting.set(cid, done); ws.send(JSON.stringify({ type, cid, ...fields })); }), type);
      },
      next(type) {
        const ready = early.get(type);
        if (ready?.length) return Promise.resolve(ready.shift());
        return within(new Promise(done => (wanted.get(type) ?? wanted.set(type, []).get(type)).push(done)), type);
      },
      send(frame) { ws.send(JSON.stringify(frame)); },
    }));
  });
}

function within(promise, what) {
  let timer;
  return Promise.race([promise, new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`no ${what} within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS); })])
    .finally(() => clearTimeout(timer));
}

function ok(frame, what) {
  if (frame.type === 'error') throw new Error(`${what}: ${frame.code} ${frame.message ?? ''}`);
  return frame;
}

const steps = ['connect', 'create', 'offer', 'match', 'join', 'send', 'reply', 'end', 'rating', 'total'];
const timings = Object.fromEntries(steps.map(s => [s, []]));
const failures = [];
let completed = 0;
let measuring = false;

/** requestId -> { created: time the client sent request.create, offered: time the offer reached the expert } */
const offerTimes = new Map();
function noteOffer(requestId, field, at) {
  const entry = offerTimes.get(requestId) ?? {};
  entry[field] = at;
  if (entry.created !== undefined && entry.offered !== undefined) {
    if (entry.measured) timings.offer.push(entry.offered - entry.created);
    offerTimes.delete(requestId);
  } else offerTimes.set(requestId, entry);
}

async function expert(account) {
  const me = await connect(account.accessToken, frame => {
    if (frame.type === 'offer') {
      noteOffer(frame.requestId, 'offered', performance.now());
      serve(frame).catch(e => failures.push(`expert: ${e.message}`));
      return true;
    }
    if (frame.type === 'room.message') {
      answer(frame);
      return true;
    }
    return true; // everything else (status pushes, acks of the replies) is not waited for
  });
  async function serve(offer) {
    const accepted = await me.call('offer.accept', { offerId: offer.offerId });
    if (accepted.type !== 'ack') return; // withdrawn meanwhile: the request went elsewhere
    const joined = ok(await me.call('room.join', { sessionId: accepted.sessionId }), 'expert room.join');
    // The client may have written before the expert was in the room: it comes in the join's backlog.
    for (const m of joined.messages ?? []) answer({ ...m, sessionId: accepted.sessionId });
  }
  const answered = new Set();
  function answer(message) {
    const key = `${message.sessionId}/${message.seq}`;
    if (message.from === account.id || answered.has(key)) return;
    answered.add(key);
    me.send({ type: 'room.send', sessionId: message.sessionId, clientMsgId: `r${message.seq}`, text: 'Happy to help: tell me more.' });
  }
  ok(await me.call('presence.online'), 'presence.online');
  return me;
}

async function consultation(client, topic) {
  const t0 = performance.now();
  const measured = measuring;
  const mark = {};
  let at = t0;
  const step = (name, since = at) => { const now = performance.now(); mark[name] = now - since; at = now; return now; };
  const me = await connect(client.accessToken);
  try {
    step('connect');
    const createdAt = performance.now();
    const created = ok(await me.call('request.create', { topic, mode: 'chat', brief: 'Load test: a whole consultation' }), 'request.create');
    step('create');
    offerTimes.set(created.requestId, { ...(offerTimes.get(created.requestId) ?? {}), measured });
    noteOffer(created.requestId, 'created', createdAt);
    const matched = await me.next('request.matched');
    mark.match = performance.now() - createdAt;
    at = performance.now();
    ok(await me.call('room.join', { sessionId: matched.sessionId }), 'client room.join');
    step('join');
    const sentAt = performance.now();
    ok(await me.call('room.send', { sessionId: matched.sessionId, clientMsgId: 'q1', text: 'How do I prepare for a panel interview?' }), 'room.send');
    step('send');
    // The client's own message comes back to it as well; the expert's answer is the first from someone else.
    for (let frame = await me.next('room.message'); frame.from === client.id; frame = await me.next('room.message')) { /* own */ }
    mark.reply = performance.now() - sentAt;
    at = performance.now();
    ok(await me.call('session.end', { sessionId: matched.sessionId }), 'session.end');
    step('end');
    await http('POST', `/api/v1/sessions/${matched.sessionId}/ratings`, { stars: 5 }, client.accessToken);
    step('rating');
    mark.total = performance.now() - t0;
    if (measured) {
      completed++;
      for (const [name, ms] of Object.entries(mark)) timings[name].push(ms);
    }
  } finally {
    me.ws.close();
  }
}

async function main() {
  const catalogue = await http('GET', '/api/v1/topics');
  const topics = catalogue.topics.filter(t => t.parent).map(t => t.topic).slice(0, topicCount);
  const prefix = `lc${randomUUID().slice(0, 6)}`;
  const clientsNeeded = Math.ceil(rate * (warmup + seconds) * 1.05) + 10;
  const clients = [];
  const experts = [];
  for (let i = 0; i < topics.length; i++) {
    const seeded = await http('POST', '/api/v1/loadtest/seed', {
      prefix: `${prefix}${i}`, clients: i === 0 ? clientsNeeded : 1, experts: Math.ceil(expertCount / topics.length),
      topics: [topics[i]], modes: ['chat'], capacity: 1,
    });
    clients.push(...seeded.clients);
    for (const e of seeded.experts) experts.push(await expert(e));
  }
  console.error(`lifecycle: ${experts.length} experts online on ${topics.length} topics, ${clients.length} clients; ${warmup} s warm-up, then ${seconds} s at ${rate}/s`);

  const running = [];
  const started = performance.now();
  const measureFrom = started + warmup * 1000;
  const endAt = measureFrom + seconds * 1000;
  let cpuBefore = null;
  let walBefore = null;
  let n = 0;
  for (let next = started; performance.now() < endAt; next += 1000 / rate) {
    if (!measuring && performance.now() >= measureFrom) {
      measuring = true;
      if (args.pid) cpuBefore = cpuSeconds(args.pid);
      walBefore = walAndTransactions(args.pgport);
    }
    const client = clients[n];
    const topic = topics[n % topics.length];
    n++;
    const measured = measuring;
    running.push(consultation(client, topic).catch(e => { if (measured) failures.push(e.message); }));
    const wait = next + 1000 / rate - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const window = (performance.now() - measureFrom) / 1000;
  await Promise.all(running); // the last ones finish: their cost belongs to the window
  const cpuAfter = args.pid ? cpuSeconds(args.pid) : null;
  const walAfter = walAndTransactions(args.pgport);
  const result = {
    offeredPerSecond: rate, seconds: Math.round(window), experts: experts.length, topics: topics.length,
    completedPerSecond: Math.round(10 * completed / window) / 10, completed, failures: failures.length,
    steps: Object.fromEntries(steps.map(s => [s, { p50: pct(timings[s], 0.5), p99: pct(timings[s], 0.99) }])),
  };
  if (cpuBefore && cpuAfter && completed) {
    result.serverCpuMsPerConsultation = Math.round(1e4 * (cpuAfter.server - cpuBefore.server) / completed) / 10;
    result.postgresCpuMsPerConsultation = Math.round(1e4 * (cpuAfter.postgres - cpuBefore.postgres) / completed) / 10;
  }
  if (walBefore && walAfter && completed) {
    result.walFlushesPerConsultation = Math.round(10 * (walAfter.flushes - walBefore.flushes) / completed) / 10;
    result.transactionsPerConsultation = Math.round(10 * (walAfter.transactions - walBefore.transactions) / completed) / 10;
    result.walRecordsPerConsultation = Math.round((walAfter.records - walBefore.records) / completed);
    result.walBytesPerConsultation = Math.round((walAfter.bytes - walBefore.bytes) / completed);
  }
  if (failures.length) result.firstFailures = [...new Set(failures)].slice(0, 5);
  console.log(JSON.stringify(result));
  for (const e of experts) e.ws.terminate();
  process.exit(0);
}

main().catch(e => { console.error(e); process.exit(1); });
