// The expert directory's cost, for docs/benchmarks.md: one client reads a page of
// GET /api/v1/experts (no sign-in) again and again, sequentially, and prints one line of JSON with
// calls a second, p50/p99 and, with --pid, the server's and every `postgres` process's CPU per call.
// Populate the server first, e.g. with lifecycle-driver.mjs (experts online, consultations rated).
// --path reads that path instead (a baseline in the same sitting: the bare Vert.x echo's HTTP
// answer, or another of Tandem's reads).
//
//   node directory-driver.mjs --base http://localhost:8080 --calls 300 --topic career --pid <server pid>
//   node directory-driver.mjs --base http://localhost:8090 --calls 300 --path / --pid <echo pid>
import { flags, cpuSeconds } from './measure.mjs';

const args = flags();
const base = args.base ?? 'http://localhost:8080';
const calls = Number(args.calls ?? 300);
const topic = args.topic ?? 'career';
const pid = args.pid ? Number(args.pid) : null;
const page = i => args.path ? base + args.path
  : `${base}/api/v1/experts?topic=${encodeURIComponent(topic)}&pageSize=20&page=${1 + (i % 5)}`;

for (let i = 0; i < 20; i++) await (await fetch(page(i))).text(); // warm-up
const before = pid ? cpuSeconds(pid) : null;
const times = [];
const started = performance.now();
for (let i = 0; i < calls; i++) {
  const sent = performance.now();
  const res = await fetch(page(i));
  await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${page(i)}`);
  times.push(performance.now() - sent);
}
const wall = (performance.now() - started) / 1000;
const after = pid ? cpuSeconds(pid) : null;
times.sort((a, b) => a - b);
const at = q => +times[Math.min(times.length - 1, Math.floor(times.length * q))].toFixed(1);
console.log(JSON.stringify({
  ...(args.path ? { path: args.path } : { topic }), calls, perSecond: +(calls / wall).toFixed(1), p50Ms: at(0.5), p99Ms: at(0.99),
  ...(pid ? {
    serverCpuMsPerCall: +(((after.server - before.server) * 1000) / calls).toFixed(2),
    postgresCpuMsPerCall: +(((after.postgres - before.postgres) * 1000) / calls).toFixed(2),
  } : {}),
}));
