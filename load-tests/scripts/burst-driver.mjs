// Many experts going online at the same moment, for docs/benchmarks.md (one Node process, the `ws`
// package of baselines/node-relay; the server must run with TANDEM_LOAD_TEST_SEED_ENABLED=true):
//
//   node burst-driver.mjs --base http://localhost:8081 --experts 1000 [--seedBase http://localhost:8080] \
//     [--pid <server pid>[,<another node's pid>]] [--pgport 54329]
//
// Seeds --experts experts (through --seedBase, default --base), then all at once: each opens a
// WebSocket to --base and sends presence.online the moment it is open. Timed per expert: from the
// start of the burst to the socket being open ("open") and to presence.online's answer
// ("online"). Prints one line of JSON with p50/p99/max of both and the failures; with --pid the
// CPU of the servers named and of every `postgres` process per expert over the burst (seeding left
// out), with --pgport (psql on the PATH) its transactions and WAL flushes per expert.
import { randomUUID } from 'node:crypto';
import { WebSocket, flags, cpuSeconds, walAndTransactions, pct } from './measure.mjs';


const args = flags();
const base = args.base ?? 'http://localhost:8080';
const seedBase = args.seedBase ?? base;
const count = Number(args.experts ?? 1000);
const topic = args.topic ?? 'career.interview';

async function main() {
  const res = await fetch(`${seedBase}/api/v1/loadtest/seed`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prefix: `bu${randomUUID().slice(0, 8)}`, clients: 0, experts: count, topics: [topic], modes: ['chat'], capacity: 1 }),
  });
  if (res.status !== 201) throw new Error(`seed: ${res.status} ${await res.text()}`);
  const { experts } = await res.json();
  const opened = [];
  const online = [];
  const failures = [];
  const sockets = [];
  const cpuBefore = args.pid ? cpuSeconds(args.pid) : null;
  const walBefore = walAndTransactions(args.pgport);
  const started = performance.now();
  await Promise.all(experts.map(e => new Promise(done => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(e.accessToken)}`, { perMessageDeflate: false });
    sockets.push(ws);
    const timer = setTimeout(() => { failures.push('no answer within 60 s'); done(); }, 60_000);
    ws.on('open', () => {
      opened.push(performance.now() - started);
      ws.send(JSON.stringify({ type: 'presence.online', cid: 'on' }));
    });
    ws.on('message', data => {
      const frame = JSON.parse(data);
      if (frame.cid !== 'on') return;
      clearTimeout(timer);
      if (frame.type === 'ack') online.push(performance.now() - started); else failures.push(`${frame.code}`);
      done();
    });
    ws.on('error', err => { clearTimeout(timer); failures.push(err.message); done(); });
  })));
  const cpuAfter = args.pid ? cpuSeconds(args.pid) : null;
  const walAfter = walAndTransactions(args.pgport);
  const perExpert = (after, before, key, scale) => Math.round((after[key] - before[key]) * scale / count * 100) / 100;
  console.log(JSON.stringify({
    experts: count, online: online.length, failures: failures.length,
    ...(cpuAfter && {
      serverCpuMsPerExpert: perExpert(cpuAfter, cpuBefore, 'server', 1000),
      postgresCpuMsPerExpert: perExpert(cpuAfter, cpuBefore, 'postgres', 1000),
    }),
    ...(walAfter && {
      transactionsPerExpert: perExpert(walAfter, walBefore, 'transactions', 1),
      walFlushesPerExpert: perExpert(walAfter, walBefore, 'flushes', 1),
    }),
    openMs: { p50: pct(opened, 0.5), p99: pct(opened, 0.99), max: pct(opened, 1) },
    onlineMs: { p50: pct(online, 0.5), p99: pct(online, 0.99), max: pct(online, 1) },
    firstFailures: [...new Set(failures)].slice(0, 3),
  }));
  sockets.forEach(ws => ws.terminate());
  process.exit(0);
}

main().catch(e => { console.error(e); process.exit(1); });
