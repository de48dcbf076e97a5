// A webhook receiver for load runs: answers every POST with 200 at once and prints, every 10 s, how
// many deliveries it has taken. Nothing is checked (WebhookDeliveryTest checks signatures and order).
//   node load-tests/scripts/webhook-sink.js 9099
const http = require('http');
const port = Number(process.argv[2] || 9099);
let received = 0;
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  });
}).listen(port, '127.0.0.1', () => console.log(`webhook sink on http://127.0.0.1:${port}/hook`));
setInterval(() => console.log(`${new Date().toISOString()} ${received} deliveries`), 10000).unref();
