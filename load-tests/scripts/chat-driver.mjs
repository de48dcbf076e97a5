// A light chat load for docs/benchmarks.md, lighter than Gatling on a 2-core machine (one Node
// process, the `ws` package of baselines/node-relay: run `npm ci` there first):
//
//   node chat-driver.mjs --base http://localhost:8080 --server tandem --rooms 200 --rate 3000 --seconds 20
//   node chat-driver.mjs --base http://localhost:8091 --server relay  --rooms 200 --rate 3000 --seconds 20
//   node chat-driver.mjs --base http://localhost:8080 --peer http://localhost:8081 --pid <pid1>,<pid2> ...
//
// --peer (Tandem only): the experts connect to this second clustered node, the clients to --base,
// so every message crosses the cluster; --pid may then name both nodes' processes, comma-separated.
//
// tandem: seeds 2 × rooms accounts (POST /api/v1/loadtest/seed; the server must run with
// TANDEM_LOAD_TEST_SEED_ENABLED=true), matches each client with an expert (request.create, offer,
// offer.accept) and both join. relay: both sides join a made-up room. Then, after --warmup seconds
// of the same load, every side sends on a fixed timetable (open model: a late answer does not slow
// the sending) for --seconds, at --rate messages a second in all. Timed: "ack" (room.send to its
// ack, i.e. stored) and "delivered" (room.send to the peer's room.message). Prints one line of JSON:
// offered and achieved rates, p50/p99/max of both, errors, and for Tandem the mean chat batch and
// batches a second (from /metrics). With --pid <server pid>, also the CPU the server process and
// every `postgres` process spent in the measured window, per acked message; with --pgport <port>
// (psql on the PATH), per message PostgreSQL's WAL records and bytes, WAL flushes (fsyncs: the durable
// commits, grouped) and transactions (read-only ones included), from pg_stat_wal and pg_stat_database.
import { randomUUID } from 'node:crypto';
import { WebSocket, flags, cpuSeconds, walAndTransactions, pct } from './measure.mjs';


const args = flags();
const base = args.base ?? 'http://localhost:8080';
const server = args.server ?? 'tandem';
const rooms = Number(args.rooms ?? 200);
const rate = Number(args.rate ?? 3000);
const seconds = Number(args.seconds ?? 20);
const warmup = Number(args.warmup ?? 5);
const topic = args.topic ?? 'career.interview';
const wsUrl = `${base.replace(/^http/, 'ws')}/ws`;
const peerWsUrl = args.peer ? `${args.peer.replace(/^http/, 'ws')}/ws` : wsUrl;
const sleep = ms => new Promise(r => setTimeout(r, ms));

async function post(pathName, body) {
  const res = await fetch(base + pathName, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${pathName}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A socket with call(type, fields) → the frame answering its cid, and events for the rest. */
function connect(token, onEvent, url = wsUrl) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url, { perMessageDeflate: false });
    const waiting = new Map();
    let next = 0;
    ws.on('message', data => {
      const frame = JSON.parse(data);
      const done = frame.cid !== undefined && waiting.get(frame.cid);
      if (done) { waiting.delete(frame.cid); done(frame); } else onEvent(frame);
    });
    ws.on('error', reject);
    ws.on('open', () => resolve({
      ws,
      call(type, fields = {}) {
        const cid = `c${next++}`;
        return new Promise(done => { waiting.set(cid, done); ws.send(JSON.stringify({ type, cid, ...fields })); });
      },
      send(frame) { ws.send(JSON.stringify(frame)); },
    }));
  });
}

const stats = { acks: [], delivered: [], errors: 0, measuring: false, acked: 0 };
const sentAt = new Map(); // `${sessionId}/${clientMsgId}` -> performance.now() at send, for measured messages

/** The peer's room.message, matched to its send by session and clientMsgId. */
function onRoomMessage(frame) {
  if (frame.type !== 'room.message') return;
  const key = `${frame.sessionId}/${frame.clientMsgId}`;
  const at = sentAt.get(key);
  if (at === undefined) return;
  sentAt.delete(key);
  stats.delivered.push(performance.now() - at);
}

async function setUp() {
  const pairs = [];
  if (server === 'relay') {
    for (let i = 0; i < rooms; i++) {
      const sessionId = randomUUID();
      const sides = [];
      for (let s = 0; s < 2; s++) {
        const c = await connect(null, f => (s === 1 ? onRoomMessage(f) : undefined));
        await c.call('room.join', { sessionId });
        sides.push(c);
      }
      pairs.push({ sessionId, sides });
    }
    return pairs;
  }
  const seeded = await post('/api/v1/loadtest/seed', {
    prefix: `cd${randomUUID().slice(0, 8)}`, clients: rooms, experts: rooms, topics: [topic], modes: ['chat'], capacity: 1,
  });
  const offers = [];
  const experts = [];
  for (const e of seeded.experts) {
    const c = await connect(e.accessToken, f => { if (f.type === 'offer') offers.push({ offer: f, expert: c }); else onRoomMessage(f); }, peerWsUrl);
    await c.call('presence.online');
    experts.push(c);
  }
  for (const client of seeded.clients) {
    const c = await connect(client.accessToken, () => {});
    const created = await c.call('request.create', { topic, mode: 'chat' });
    if (created.type !== 'ack') throw new Error(`request.create: ${JSON.stringify(created)}`);
    for (let waited = 0; offers.length === 0; waited += 5) {
      if (waited > 90_000) throw new Error("no offer within 90 s");
      await sleep(5);
    }
    const { offer, expert } = offers.shift();
    const accepted = await expert.call('offer.accept', { offerId: offer.offerId });
    if (accepted.type !== 'ack') throw new Error(`offer.accept: ${JSON.stringify(accepted)}`);
    await c.call('room.join', { sessionId: accepted.sessionId });
    await expert.call('room.join', { sessionId: accepted.sessionId });
    pairs.push({ sessionId: accepted.sessionId, sides: [c, expert] });
  }
  return pairs;
}

async function metric(name) {
  if (server !== 'tandem') return null;
  const text = await (await fetch(`${base}/metrics`)).text();
  const sum = Number((text.match(new RegExp(`^${name}_sum(?:\\{[^}]*\\})? (\\S+)`, 'm')) ?? [])[1]);
  const count = Number((text.match(new RegExp(`^${name}_count(?:\\{[^}]*\\})? (\\S+)`, 'm')) ?? [])[1]);
  return { sum, count };
}

async function main() {
  const pairs = await setUp();
  // Only the client side sends; its peer (the expert) times delivery, as in the relay's rooms.
  const senders = pairs.map(p => ({ sessionId: p.sessionId, side: p.sides[0], n: 0 }));
  let counter = 0;
  const tick = 5;
  const perTick = rate * tick / 1000;
  let owed = 0;
  const started = performance.now();
  let measureFrom = started + warmup * 1000;
  const endAt = measureFrom + seconds * 1000;
  let batchesBefore = null;
  let cpuBefore = null;
  let walBefore = null;
  let next = started;
  while (performance.now() < endAt) {
    next += tick;
    const now = performance.now();
    if (!stats.measuring && now >= measureFrom) {
      stats.measuring = true;
      batchesBefore = await metric('tandem_chat_batch_messages');
      if (args.pid) cpuBefore = cpuSeconds(args.pid);
      walBefore = walAndTransactions(args.pgport);
      measureFrom = performance.now();
    }
    owed += perTick;
    for (; owed >= 1; owed--) {
      const s = senders[counter++ % senders.length];
      const clientMsgId = `m${s.n++}`;
      const key = `${s.sessionId}/${clientMsgId}`;
      const t = performance.now();
      const measured = stats.measuring;
      if (measured) sentAt.set(key, t);
      s.side.call('room.send', { sessionId: s.sessionId, clientMsgId, text: `load ${key}` }).then(answer => {
        if (!measured) return;
        if (answer.type === 'ack') { stats.acks.push(performance.now() - t); } else { stats.errors++; }
      });
    }
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const elapsed = (performance.now() - measureFrom) / 1000;
  await sleep(1000); // answers still in flight: their cost belongs to the window
  const cpuAfter = args.pid ? cpuSeconds(args.pid) : null;
  const walAfter = walAndTransactions(args.pgport);
  const cpuWindow = (performance.now() - measureFrom) / 1000;
  stats.measuring = false;
  const batchesAfter = await metric('tandem_chat_batch_messages');
  const result = {
    server, rooms, offeredPerSecond: rate, seconds: Math.round(elapsed),
    ackedPerSecond: Math.round(stats.acks.length / elapsed),
    ackP50: pct(stats.acks, 0.5), ackP99: pct(stats.acks, 0.99), ackMax: pct(stats.acks, 1),
    deliveredP50: pct(stats.delivered, 0.5), deliveredP99: pct(stats.delivered, 0.99),
    errors: stats.errors,
  };
  if (batchesBefore && batchesAfter) {
    const batches = batchesAfter.count - batchesBefore.count;
    result.meanBatch = Math.round(10 * (batchesAfter.sum - batchesBefore.sum) / batches) / 10;
    result.batchesPerSecond = Math.round(batches / elapsed);
  }
  if (cpuBefore && cpuAfter) {
    const msPerMessage = cpu => Math.round(1e6 * cpu / stats.acks.length) / 1000;
    const cores = cpu => Math.round(100 * cpu / cpuWindow) / 100;
    result.serverCpuMsPerMessage = msPerMessage(cpuAfter.server - cpuBefore.server);
    result.postgresCpuMsPerMessage = msPerMessage(cpuAfter.postgres - cpuBefore.postgres);
    result.serverCores = cores(cpuAfter.server - cpuBefore.server);
    result.postgresCores = cores(cpuAfter.postgres - cpuBefore.postgres);
  }
  if (walBefore && walAfter) {
    const per = (a, b, digits) => Math.round(10 ** digits * (a - b) / stats.acks.length) / 10 ** digits;
    result.walRecordsPerMessage = per(walAfter.records, walBefore.records, 2);
    result.walBytesPerMessage = per(walAfter.bytes, walBefore.bytes, 0);
    result.walFlushesPerMessage = per(walAfter.flushes, walBefore.flushes, 3);
    result.transactionsPerMessage = per(walAfter.transactions, walBefore.transactions, 3);
  }
  console.log(JSON.stringify(result));
  for (const p of pairs) for (const side of p.sides) side.ws.terminate();
  process.exit(0);
}

main().catch(e => { console.error(e); process.exit(1); });
