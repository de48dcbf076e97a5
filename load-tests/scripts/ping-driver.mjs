// Round trips of the cheapest frame, `ping` (answered by the gateway without touching the database),
// on one connection, one at a time, for docs/benchmarks.md's floors: what a WebSocket hop costs on
// this machine, idle or beside a load (run lifecycle-driver.mjs meanwhile), against Tandem or the
// Node relay (baselines/node-relay, which answers ping the same way).
//
//   node ping-driver.mjs --base http://localhost:8080 [--seconds 25] [--gapMs 60]   # Tandem (TANDEM_LOAD_TEST_SEED_ENABLED=true)
//   node ping-driver.mjs --url ws://localhost:8091/ws [--seconds 25]                # the relay
//
// One frame every --gapMs (60: under Tandem's 20 frames a second). Prints one line of JSON: the
// round trips' count, p50, p90, p99 and max in ms.
import { WebSocket, flags, pct } from './measure.mjs';

const args = flags();
const seconds = Number(args.seconds ?? 25);
const gapMs = Number(args.gapMs ?? 60);
let url = args.url;
if (!url) {
  const base = args.base ?? 'http://localhost:8080';
  const res = await fetch(`${base}/api/v1/loadtest/seed`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prefix: `ping${Date.now() % 1_000_000}`, clients: 1, experts: 0, topics: ['tax'], modes: ['chat'], capacity: 1 }),
  });
  if (res.status >= 300) throw new Error(`seed: ${res.status} ${await res.text()}`);
  const { clients } = await res.json();
  url = `${base.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(clients[0].accessToken)}`;
}
const ws = new WebSocket(url, { perMessageDeflate: false });
const waiting = new Map();
let next = 0;
ws.on('message', data => {
  const frame = JSON.parse(data);
  const done = frame.cid !== undefined && waiting.get(frame.cid);
  if (done) { waiting.delete(frame.cid); done(frame); }
});
await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
const sleep = ms => new Promise(r => setTimeout(r, ms));
await sleep(300); // past the connection's greeting
const times = [];
for (const endAt = performance.now() + seconds * 1000; performance.now() < endAt; await sleep(gapMs)) {
  const cid = `p${++next}`;
  const sentAt = performance.now();
  const answer = await new Promise(resolve => { waiting.set(cid, resolve); ws.send(JSON.stringify({ type: 'ping', cid })); });
  if (answer.type !== 'ack') throw new Error(`ping answered ${JSON.stringify(answer)}`);
  times.push(performance.now() - sentAt);
}
ws.close();
console.log(JSON.stringify({ roundTrips: times.length, p50: pct(times, 0.5), p90: pct(times, 0.9), p99: pct(times, 0.99), max: pct(times, 1) }));
