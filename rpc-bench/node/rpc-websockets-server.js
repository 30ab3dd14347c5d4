// The `node-rpc-websockets` target: the npm rpc-websockets JSON-RPC server with the bench service.
'use strict';
const { Server } = require('rpc-websockets');
const control = require('./control');

const server = new Server({ host: '127.0.0.1', port: 0 });
server.register('subtract', (params) => params[0] - params[1]);
server.register('echo', (params) => params[0]);
// The fan-out scenario: subscribers call rpc.on ["tick"]; bench.fanout(count) emits count events.
server.event('tick');
server.register('bench.fanout', (params) => {
  for (let i = 0; i < params[0]; i++) {
    server.emit('tick', i);
  }
  return params[0];
});
server.on('listening', () => control.listening(server.wss.address().port));
server.on('error', (e) => { console.error(e); process.exit(1); });
