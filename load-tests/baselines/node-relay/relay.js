'use strict';
// Baseline for docs/benchmarks.md: the cheapest honest chat relay. It speaks the part of Tandem's
// WebSocket protocol that ChatThroughputSimulation uses (room.join, room.send, ping) with the same
// frames, so the same simulation drives it; but it checks no token, keeps rooms in memory only
// and stores nothing. Each room.send is acknowledged with its seq and sent as room.message to every
// socket in the room, the sender included, as Tandem does.
//
//   npm install && PORT=8091 node relay.js
const { WebSocketServer } = require('ws');

const port = Number(process.env.PORT || 8091);
const rooms = new Map(); // sessionId -> { seq, sockets: Set }
const server = new WebSocketServer({ port, path: '/ws', perMessageDeflate: false });

function reply(socket, frame) {
  socket.send(JSON.stringify(frame));
}

server.on('connection', (socket) => {
  socket.rooms = new Set();
  socket.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      reply(socket, { type: 'error', code: 'bad_request', message: 'not JSON' });
      return;
    }
    switch (frame.type) {
      case 'ping':
        reply(socket, frame.cid ? { type: 'ack', cid: frame.cid } : { type: 'pong' });
        break;
      case 'room.join': {
        let room = rooms.get(frame.sessionId);
        if (!room) {
          room = { seq: 0, sockets: new Set() };
          rooms.set(frame.sessionId, room);
        }
        room.sockets.add(socket);
        socket.rooms.add(frame.sessionId);
        reply(socket, { type: 'ack', cid: frame.cid, messages: [], lastSeq: room.seq });
        break;
      }
      case 'room.send': {
        const room = rooms.get(frame.sessionId);
        if (!room || !room.sockets.has(socket)) {
          reply(socket, { type: 'error', cid: frame.cid, code: 'forbidden', message: 'join the room first' });
          return;
        }
        const seq = ++room.seq;
        const sentAt = new Date().toISOString();
        reply(socket, { type: 'ack', cid: frame.cid, seq, sentAt });
        const message = JSON.stringify({
          type: 'room.message', sessionId: frame.sessionId, seq, from: 'relay', text: frame.text, sentAt,
          clientMsgId: frame.clientMsgId,
        });
        for (const member of room.sockets) member.send(message);
        break;
      }
      default:
        reply(socket, { type: 'error', cid: frame.cid, code: 'bad_request', message: 'unknown type' });
    }
  });
  socket.on('close', () => {
    for (const id of socket.rooms) {
      const room = rooms.get(id);
      room.sockets.delete(socket);
      if (room.sockets.size === 0) rooms.delete(id);
    }
  });
});

server.on('listening', () => console.log(`node relay listening on ws://localhost:${port}/ws`));
