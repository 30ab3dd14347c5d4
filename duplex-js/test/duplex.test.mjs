// The package against a running Duplex RPC server (started by the Java build: DuplexJsTest),
// with the `ws` package as the WebSocket. DUPLEX_URL is the server's endpoint.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { connect, remote, RpcError, ErrorCodes } from "@duplexrpc/client";

const url = process.env.DUPLEX_URL;
assert.ok(url, "DUPLEX_URL names the server's endpoint");

let rpc;
before(async () => {
  rpc = await connect(url, {
    WebSocket,
    callTimeout: 10000,
    services: { nickname: (name) => name.slice(0, 3) + "o" },
  });
});
after(async () => {
  await rpc?.close();
});

test("the server agrees the wire extensions; wireExtensions: false offers none", async () => {
  assert.equal(rpc.extensionsAgreed, true);
  const plain = await connect(url, { WebSocket, wireExtensions: false });
  try {
    assert.equal(plain.extensionsAgreed, false);
    assert.equal(await plain.call("calc.add", [1, 1]), 2);
  } finally {
    await plain.close();
  }
});

test("a trace context given is sent with calls, notifications and batch items when agreed", async () => {
  const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  assert.equal(await rpc.call("calc.trace", [], { traceContext: { traceparent, tracestate: "k=v" } }),
    traceparent + "|k=v");
  assert.equal(await rpc.call("calc.trace", []), "none", "nothing given, nothing sent");
  const traced = await connect(url, { WebSocket, traceContext: () => ({ traceparent }) });
  try {
    assert.equal(await traced.call("calc.trace"), traceparent + "|null", "the connection's function");
    const batch = traced.batch();
    const item = batch.call("calc.trace", [], { traceContext: { traceparent: traceparent.replace("-01", "-00") } });
    batch.send();
    assert.equal(await item, traceparent.replace("-01", "-00") + "|null");
    assert.throws(() => traced.notify("calc.tick", [1], { traceContext: { traceparent: 7 } }), TypeError);
  } finally {
    await traced.close();
  }
  const plain = await connect(url, { WebSocket, wireExtensions: false, traceContext: () => ({ traceparent }) });
  try {
    assert.equal(await plain.call("calc.trace"), "none", "never sent without the extensions");
  } finally {
    await plain.close();
  }
});

test("call returns the server's result", async () => {
  assert.equal(await rpc.call("calc.add", [2, 3]), 5);
});

test("remote proxy calls the prefixed method", async () => {
  const calc = remote(rpc, "calc.");
  assert.equal(await calc.add(40, 2), 42);
  assert.equal(calc.then, undefined, "the proxy is not a thenable");
});

test("unknown method rejects with RpcError -32601", async () => {
  await assert.rejects(rpc.call("calc.nope", []), (e) => {
    assert.ok(e instanceof RpcError);
    assert.equal(e.code, ErrorCodes.METHOD_NOT_FOUND);
    return true;
  });
});

test("server's RpcException arrives with its code, message and data", async () => {
  await assert.rejects(rpc.call("calc.divide", [1, 0]), (e) => {
    assert.equal(e.code, -32010);
    assert.equal(e.message, "Division by zero");
    assert.deepEqual(e.data, { dividend: 1 });
    return true;
  });
});

test("server calls back the exposed function while serving a call", async () => {
  assert.equal(await rpc.call("calc.greet", ["Alexander"]), "Hello, Aleo!");
});

test("subscribed event arrives with its payload", async () => {
  let received;
  const arrived = new Promise((resolve) => { received = resolve; });
  const subscription = await rpc.subscribe("tick", (payload) => received(payload));
  assert.equal(await rpc.call("calc.tick", [7]), 1, "one subscriber got it");
  assert.deepEqual(await arrived, { n: 7 });
  subscription.close();
  assert.equal(subscription.active, false);
});

test("batch answers each call", async () => {
  const batch = rpc.batch();
  const a = batch.call("calc.add", [1, 2]);
  const b = batch.call("calc.add", [3, 4]);
  batch.send();
  assert.deepEqual(await Promise.all([a, b]), [3, 7]);
});

test("a streamed result is an async iterable of its items, in order", async () => {
  const items = [];
  for await (const n of rpc.stream("calc.count", [1000])) {
    items.push(n);
  }
  assert.deepEqual(items, Array.from({ length: 1000 }, (_, i) => i));
});

test("break cancels the stream at the server", async () => {
  const items = [];
  for await (const n of rpc.stream("calc.count", [1000000], { window: 16 })) {
    items.push(n);
    if (items.length === 5) {
      break;
    }
  }
  assert.deepEqual(items, [0, 1, 2, 3, 4]);
  assert.equal(await rpc.call("calc.countCancelled"), true);
});

test("an error ending the stream is thrown by the loop after its items", async () => {
  const items = [];
  await assert.rejects(async () => {
    for await (const n of rpc.stream("calc.failAfter", [3])) {
      items.push(n);
    }
  }, (e) => e instanceof RpcError && e.code === -32050 && e.message === "Ran dry");
  assert.deepEqual(items, [0, 1, 2]);
});
