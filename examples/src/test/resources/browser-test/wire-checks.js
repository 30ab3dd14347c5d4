// Wire checks of duplex.js against a scripted WebSocket stand-in: every frame the client sends is
// recorded, and frames "from the server" are handed to it by hand. The Java test
// (BrowserPageTest) compares what this returns with the exact expected text.
import { connect, RpcError } from "/duplex.js";

/** Stands in for the browser's WebSocket: opens at once, records sends, delivers by hand. */
class ScriptedSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    ScriptedSocket.last = this;
    queueMicrotask(() => { this.readyState = 1; this.onopen({}); });
  }
  send(text) {
    if (this.readyState !== 1) throw new Error("send while not open");
    this.sent.push(text);
  }
  close(code, reason) {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose({code, reason}));
  }
  /** A frame from the "server". */
  receive(text) { this.onmessage({data: text}); }
  /** The "server" drops the connection. */
  drop(code, reason) { this.readyState = 3; this.onclose({code, reason}); }
}

const settle = (promise) => promise.then(
    (result) => ({result}),
    (e) => ({code: e.code, message: e.message, data: e.data, closeCode: e.closeCode, closeReason: e.closeReason}));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const open = async (options = {}) => {
  const rpc = await connect("/ws", {WebSocket: ScriptedSocket, ...options});
  return {rpc, socket: ScriptedSocket.last};
};

export async function run() {
  const out = {};

  { // What the client sends.
    const {rpc, socket} = await open();
    out.url = socket.url;
    rpc.call("calc.add", [2, 3]);
    rpc.call("ping");
    rpc.call("calc.sub", {minuend: 5, subtrahend: 3});
    rpc.notify("note", ["hi"]);
    rpc.notify("bare");
    out.sent = socket.sent.slice();
    out.badParams = (() => { try { rpc.call("x", 5); return "accepted"; } catch (e) { return e.name; } })();
    rpc.close();
  }

  { // Responses: matched only by the integer id we sent; unknown ids are ignored, never answered.
    const {rpc, socket} = await open();
    const call = settle(rpc.call("a", []));
    socket.receive('{"jsonrpc":"2.0","id":99,"result":"unknown id"}');
    socket.receive('{"jsonrpc":"2.0","id":"1","result":"string id"}');
    socket.receive('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
    socket.receive('{"jsonrpc":"2.0","id":1,"result":{"ok":true}}');
    socket.receive('{"jsonrpc":"2.0","id":1,"result":"a second answer"}');
    out.matched = await call;
    const error = settle(rpc.call("b"));
    socket.receive('{"jsonrpc":"2.0","id":2,"error":{"code":-32010,"message":"Negative argument","data":{"x":-1}}}');
    out.error = await error;
    const malformed = settle(rpc.call("c"));
    socket.receive('{"jsonrpc":"2.0","id":3,"error":{"code":1.5,"message":"x"}}');
    out.malformed = await malformed;
    const noMessage = settle(rpc.call("d"));
    socket.receive('{"jsonrpc":"2.0","id":4,"error":{"code":-32601}}');
    out.noMessage = await noMessage;
    await tick();
    out.responsesSent = socket.sent.length; // the four requests only
    out.pendingAfter = rpc.pendingCalls;
    rpc.close();
  }

  { // Requests and notifications from the server.
    const seen = [];
    const {rpc, socket} = await open({services: {
      add: (a, b) => a + b,
      sub: ({minuend, subtrahend}) => minuend - subtrahend,
      later: async (x) => { await null; await null; return x * 2; },
      nothing: () => undefined,
      refuse: () => { throw new RpcError(-32010, "Refused", {why: "test"}); },
      crash: () => { throw new Error("a detail that stays in the page"); },
      note: (x) => { seen.push(x); },
    }});
    const frames = [
      '{"jsonrpc":"2.0","id":1,"method":"add","params":[2,3]}',
      '{"jsonrpc":"2.0","id":"a1","method":"sub","params":{"subtrahend":3,"minuend":5}}',
      '{"jsonrpc":"2.0","id":7,"method":"later","params":[21]}',
      '{"jsonrpc":"2.0","id":8,"method":"nothing"}',
      '{"jsonrpc":"2.0","id":9,"method":"refuse"}',
      '{"jsonrpc":"2.0","id":10,"method":"crash"}',
      '{"jsonrpc":"2.0","id":11,"method":"nope"}',
      '{"jsonrpc":"2.0","method":"note","params":["n1"]}',
      '{"jsonrpc":"2.0","method":"nope"}',
      '{"jsonrpc":"1.0","id":12,"method":"add","params":[1,1]}',
      '{"jsonrpc":"2.0","id":13,"method":"add","params":null}',
      '{"jsonrpc":"2.0","id":{"x":1},"method":"add"}',
      '{"jsonrpc":"2.0","id":14,"method":"rpc.on"}',
      '{"jsonrpc":"2.0","method"',
      '[]',
      '[1]',
      '[{"jsonrpc":"2.0","id":15,"method":"add","params":[1,2]},{"jsonrpc":"2.0","method":"note","params":["n2"]}]',
      '[{"jsonrpc":"2.0","method":"note","params":["n3"]}]',
    ];
    for (const f of frames) {
      socket.receive(f);
      await tick();
    }
    out.replies = socket.sent.slice();
    out.notified = seen;
    rpc.close();
  }

  { // A socket that closes before it opens (no server, a refused upgrade) rejects connect().
    class RefusedSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        queueMicrotask(() => { this.readyState = 3; this.onclose({code: 1006, reason: ""}); });
      }
      send() { throw new Error("send while not open"); }
      close() {}
    }
    out.refusedConnect = await settle(connect("ws://127.0.0.1:9/none", {WebSocket: RefusedSocket}));
  }

  { // Batches: one array in one frame; each call settles with its own response, in any order.
    const {rpc, socket} = await open();
    const batch = rpc.batch();
    const sum = settle(batch.call("add", [1, 2]));
    batch.notify("note", ["x"]);
    const missing = settle(batch.call("nope"));
    batch.send();
    out.batchFrame = socket.sent[0];
    socket.receive('[{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}},'
        + '{"jsonrpc":"2.0","id":1,"result":3}]');
    out.batchResults = [await sum, await missing];
    out.batchAgain = (() => { try { batch.send(); return "sent twice"; } catch (e) { return e.name; } })();
    out.emptyBatch = (() => { try { rpc.batch().send(); return "sent"; } catch (e) { return e.name; } })();
    await tick();
    out.batchSent = socket.sent.length; // the batch only: responses are never answered
    rpc.close();
  }

  { // Timeouts and closes (reconnect: false, so that the drop closes the connection).
    const {rpc, socket} = await open({callTimeout: 0, reconnect: false});
    const timedOut = settle(rpc.call("slow", [], {timeout: 50}));
    out.timedOut = await timedOut;
    socket.receive('{"jsonrpc":"2.0","id":1,"result":"too late"}');
    const pending = settle(rpc.call("waits"));
    socket.drop(1001, "going away");
    out.closed = await pending;
    out.afterClose = await settle(rpc.call("again"));
    out.closedInfo = await rpc.closed;
    out.timeoutFrames = socket.sent.slice();
  }

  { // Events: rpc.on once per event, the payload, rpc.off after the last handler.
    const {rpc, socket} = await open();
    const got = [];
    const first = rpc.subscribe("feed", (p) => got.push(["first", p]));
    await tick();
    socket.receive('{"jsonrpc":"2.0","id":1,"result":{"feed":"ok"}}');
    const s1 = await first;
    const s2 = await rpc.subscribe("feed", (p) => got.push(["second", p]));
    socket.receive('{"jsonrpc":"2.0","method":"feed","params":[{"id":7}]}');
    socket.receive('{"notification":"feed","params":[8]}');
    s1.close();
    socket.receive('{"jsonrpc":"2.0","method":"feed","params":[]}');
    s2.close();
    socket.receive('{"jsonrpc":"2.0","method":"feed","params":[10]}');
    const refused = settle(rpc.subscribe("nope", () => {}));
    await tick();
    socket.receive('{"jsonrpc":"2.0","id":3,"result":{"nope":"provided event invalid"}}');
    out.refused = await refused;
    out.events = got;
    out.eventFrames = socket.sent.slice();
    out.active = [s1.active, s2.active];
    rpc.close();
  }
  { // A server that closes with a code that may pass (1001): reconnect, a fresh connection, the hook.
    const states = [];
    let hooks = 0;
    const {rpc, socket} = await open({reconnect: {initialDelay: 0}, onStateChange: (state) => states.push(state),
      onReconnect: () => { hooks++; }});
    const pending = settle(rpc.call("waits"));
    socket.drop(1001, "going away");
    out.reconnectFailed = await pending;
    out.duringReconnect = await settle(rpc.call("again"));
    await sleep(5);
    out.reconnectStates = states.slice();
    out.reconnectHooks = hooks;
    out.reconnectedSocket = ScriptedSocket.last !== socket;
    rpc.close();
  }

  { // Resumable sessions on duplex-rpc.1 (docs/resume.md): the frames both ways, exactly.
    const sockets = [];
    class SessionSocket extends ScriptedSocket {
      constructor(url) {
        super(url);
        this.protocol = "duplex-rpc.1";
        sockets.push(this);
      }
    }
    const states = [];
    let hooks = 0;
    const opening = connect("/ws", {WebSocket: SessionSocket, reconnect: {initialDelay: 0},
      onStateChange: (state) => states.push(state), onReconnect: () => { hooks++; }});
    await tick();
    const s1 = sockets[0];
    s1.receive('{"jsonrpc":"2.0","method":"rpc.session","params":{"token":"t1","received":0,"resumed":false}}');
    const rpc = await opening;
    const a = settle(rpc.call("add", [1, 2])); // the client's message 1
    s1.receive('{"jsonrpc":"2.0","method":"rpc.ack","params":{"received":1}}'); // not numbered
    const b = settle(rpc.call("add", [3, 4])); // 2
    for (let i = 0; i < 63; i++) {
      s1.receive('{"jsonrpc":"2.0","method":"noise"}'); // the server's 1 to 63
    }
    s1.receive('{"jsonrpc":"2.0","id":1,"result":3}'); // 64: an acknowledgement goes at once
    s1.drop(1006, "");
    const c = settle(rpc.call("add", [5, 6])); // 3, kept while resuming
    out.resumingState = rpc.state;
    await sleep(5);
    const s2 = sockets[1];
    s2.receive('{"jsonrpc":"2.0","method":"rpc.session","params":{"token":"t2","received":1,"resumed":true}}');
    s2.receive('{"jsonrpc":"2.0","id":2,"result":7}');
    s2.receive('{"jsonrpc":"2.0","id":2,"result":"no call waits for it"}');
    s2.receive('{"jsonrpc":"2.0","id":3,"result":11}');
    out.sessionResults = [await a, await b, await c];
    const d = settle(rpc.call("add", [7, 8])); // 4: the server restarts before answering
    s2.drop(1006, "");
    await sleep(5);
    const s3 = sockets[2];
    s3.receive('{"jsonrpc":"2.0","method":"rpc.session","params":{"token":"u1","received":0,"resumed":false}}');
    out.notResumed = await d;
    await tick();
    out.sessionFrames = [s1.sent, s2.sent, s3.sent];
    out.sessionStates = states;
    out.sessionHooks = hooks;
    rpc.close();
  }
  return out;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
