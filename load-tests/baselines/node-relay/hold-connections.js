'use strict';
// Opens N idle WebSocket connections to a baseline server and holds them, so that a baseline's
// memory per idle connection can be measured like Tandem's (ConnectionsSimulation needs Tandem's
// accounts, the baselines have none). Prints when all are open; exits after HOLD seconds.
//
//   node hold-connections.js ws://localhost:8090/ws 19000 120
const WebSocket = require('ws');

const [url, count = '1000', hold = '60'] = process.argv.slice(2);
let open = 0;
let failed = 0;
const sockets = [];

// 50 lanes, each opening its share of the connections one after the other.
function connect(i, end) {
  if (i >= end) return;
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on('open', () => {
    open += 1;
    if (open + failed === Number(count)) console.log(`${open} open, ${failed} failed; holding ${hold} s`);
    connect(i + 1, end);
  });
  socket.on('error', (e) => {
    failed += 1;
    console.error(`connection ${i}: ${e.message}`);
    connect(i + 1, end);
  });
  sockets.push(socket);
}

const share = Math.ceil(Number(count) / 50);
for (let lane = 0; lane < 50; lane++) connect(lane * share, Math.min(Number(count), (lane + 1) * share));
setTimeout(() => {
  sockets.forEach((s) => s.close());
  process.exit(0);
}, Number(hold) * 1000);
