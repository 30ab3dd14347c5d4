// The `node-ws-echo` target: a bare npm ws server that sends every message back (no JSON-RPC).
'use strict';
const { WebSocketServer } = require('ws');
const control = require('./control');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => control.listening(wss.address().port));
wss.on('error', (e) => { console.error(e); process.exit(1); });
