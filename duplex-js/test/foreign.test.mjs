// duplex.js against a foreign JSON-RPC server (a `ws` server in this process, as rpc-websockets
// would be): no session and no acknowledgement goes on the wire, and a lost socket reconnects
// with a fresh connection, running the reconnect hook.
import { test } from "node:test";
import net from "node:net";
import assert from "node:assert/strict";
import WebSocket, { WebSocketServer } from "ws";
import { connect, ErrorCodes } from "@duplexrpc/client";

/** A server on 127.0.0.1, an ephemeral port, that selects `protocol` and answers every request with its id. */
async function foreignServer(protocol, greeting) {
  const frames = [];
  const sockets = [];
  const server = new WebSocketServer({host: "127.0.0.1", port: 0,
    handleProtocols: (offered) => (offered.has(protocol) ? protocol : false)});
  server.on("connection", (socket) => {
    sockets.push(socket);
    if (greeting) {
      socket.send(greeting);
    }
    socket.on("message", (data) => {
      const text = data.toString();
      frames.push(text);
      const message = JSON.parse(text);
      if (message.id !== undefined && message.method === "hold") {
        return; // never answered
      }
      if (message.id !== undefined) {
        socket.send(JSON.stringify({jsonrpc: "2.0", id: message.id, result: message.id}));
      }
    });
  });
  await new Promise((resolve) => server.on("listening", resolve));
  return {url: `ws://127.0.0.1:${server.address().port}/`, frames, sockets,
    close: () => new Promise((resolve) => { sockets.forEach((s) => s.terminate()); server.close(resolve); })};
}

test("a plain jsonrpc-2.0 server sees plain JSON-RPC 2.0 only; a lost socket reconnects and runs the hook", async () => {
  const server = await foreignServer("jsonrpc-2.0");
  const states = [];
  let hooks = 0;
  const rpc = await connect(server.url, {WebSocket, reconnect: {initialDelay: 0, maxDelay: 10},
    onStateChange: (s) => states.push(s), onReconnect: () => { hooks++; }});
  try {
    assert.equal(rpc.extensionsAgreed, false);
    for (let i = 1; i <= 70; i++) {
      assert.equal(await rpc.call("echo", [i]), i); // past 64 messages: still no acknowledgement
    }
    assert.equal(server.frames.length, 70);
    assert.ok(server.frames.every((f) => !f.includes("rpc.session") && !f.includes("rpc.ack")));
    assert.equal(server.frames[0], '{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]}');
    const held = rpc.call("hold").catch((e) => e);
    server.sockets[0].terminate(); // no close frame: 1006
    const error = await held;
    assert.equal(error.code, ErrorCodes.CONNECTION_CLOSED);
    assert.equal(error.closeCode, 1006);
    while (states.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.deepEqual(states, ["open", "reconnecting", "open"]);
    assert.equal(hooks, 1);
    assert.equal(await rpc.call("echo"), 72);
  } finally {
    await rpc.close();
    await server.close();
  }
});

test("a duplex-rpc.1 server that keeps no session gets one rpc.session and no acknowledgement", async () => {
  const server = await foreignServer("duplex-rpc.1",
      '{"jsonrpc":"2.0","method":"rpc.session","params":{"resumable":false}}');
  const rpc = await connect(server.url, {WebSocket, reconnect: false});
  try {
    assert.equal(rpc.extensionsAgreed, true);
    for (let i = 1; i <= 70; i++) {
      assert.equal(await rpc.call("echo", [i]), i);
    }
    assert.equal(server.frames[0], '{"jsonrpc":"2.0","method":"rpc.session","params":{}}');
    assert.equal(server.frames.length, 71);
    assert.ok(server.frames.slice(1).every((f) => !f.includes("rpc.")));
  } finally {
    await rpc.close();
    await server.close();
  }
});

test("a reconnect hook that throws fails the attempt: the socket is closed and the next attempt runs it again", async () => {
  const server = await foreignServer("jsonrpc-2.0");
  const states = [];
  let hooks = 0;
  const rpc = await connect(server.url, {WebSocket, reconnect: {initialDelay: 0, maxDelay: 10},
    onStateChange: (s) => states.push(s),
    onReconnect: () => {
      hooks++;
      if (hooks === 1) {
        throw new Error("not yet");
      }
    }});
  const error = console.error;
  console.error = () => {}; // the failed hook is logged
  try {
    server.sockets[0].terminate();
    while (states.length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.deepEqual(states, ["open", "reconnecting", "open"]);
    assert.equal(hooks, 2);
    assert.equal(server.sockets.length, 3, "the first reconnect's socket was closed, a third one opened");
    const second = server.sockets[1];
    if (second.readyState !== WebSocket.CLOSED) {
      await new Promise((resolve) => second.once("close", resolve)); // closed by the client
    }
    assert.equal(await rpc.call("echo"), 1);
  } finally {
    console.error = error;
    await rpc.close();
    await server.close();
  }
});

test("connectTimeout gives up a socket whose handshake or session greeting does not come", async () => {
  const silent = net.createServer(() => {}); // accepts TCP, never answers the upgrade
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const mute = await foreignServer("duplex-rpc.1"); // agrees duplex-rpc.1, never answers rpc.session
  try {
    for (const url of [`ws://127.0.0.1:${silent.address().port}/`, mute.url]) {
      await assert.rejects(connect(url, {WebSocket, connectTimeout: 100}), (e) =>
        e.code === ErrorCodes.CONNECTION_CLOSED && e.closeCode === 1006 && e.closeReason === "connect timed out");
    }
    await assert.rejects(connect(mute.url, {WebSocket, connectTimeout: 0}), TypeError);
  } finally {
    silent.close();
    await mute.close();
  }
});
