// Reconnecting and resumable sessions (docs/resume.md) against a running Duplex RPC server
// (started by the Java build: DuplexJsTest) through a fault-injecting proxy: DUPLEX_PROXY_URL
// goes through it, DUPLEX_URL does not. The faults are caused over a direct connection
// (faults.cut resets every connection through the proxy, as a lost link: 1006 at both ends).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import { connect, RpcError, ErrorCodes } from "@duplexrpc/client";

const direct = process.env.DUPLEX_URL;
const proxied = process.env.DUPLEX_PROXY_URL;
assert.ok(direct && proxied, "DUPLEX_URL and DUPLEX_PROXY_URL name the server's endpoint");

const FAST = {initialDelay: 20, maxDelay: 200};

let faults;
before(async () => {
  faults = await connect(direct, {WebSocket, callTimeout: 10000});
});
after(async () => {
  await faults?.close();
});

/** A connection through the proxy that records its states; `reached(state, n)` waits for the n-th. */
async function proxiedConnection(options = {}) {
  const states = [];
  const waiters = [];
  const rpc = await connect(proxied, {
    WebSocket,
    callTimeout: 10000,
    reconnect: FAST,
    ...options,
    onStateChange: (state) => {
      states.push(state);
      waiters.splice(0).forEach((w) => w());
    },
  });
  const reached = async (state, n = 1) => {
    while (states.filter((s) => s === state).length < n) {
      await new Promise((resolve) => waiters.push(resolve));
    }
  };
  return {rpc, states, reached};
}

/** A promise and its resolve function. */
function latch() {
  let open;
  const promise = new Promise((resolve) => { open = resolve; });
  return {promise, open};
}

test("a lost socket is resumed: calls in flight both ways complete once, events of the gap arrive in order", async () => {
  const nicknameAsked = latch();
  const answerNickname = latch();
  let hookRuns = 0;
  const {rpc, states, reached} = await proxiedConnection({
    onReconnect: () => { hookRuns++; },
    services: {
      nickname: async (name) => {
        nicknameAsked.open();
        await answerNickname.promise; // held across the cut
        return name.slice(0, 3) + "o";
      },
    },
  });
  try {
    assert.equal(rpc.state, "open");
    const ticks = [];
    const sixTicks = latch();
    await rpc.subscribe("proxied.tick", (payload) => {
      ticks.push(payload.n);
      if (ticks.length === 6) {
        sixTicks.open();
      }
    });
    const greeting = rpc.call("calc.greet", ["Alexander"]); // the server calls nickname and waits
    await nicknameAsked.promise;
    assert.equal(await faults.call("faults.cut"), 1);
    await reached("resuming");
    assert.equal(rpc.isOpen, false);
    const during = rpc.call("calc.add", [20, 22]); // buffered in the session, sent after the resume
    for (let n = 1; n <= 3; n++) {
      await faults.call("faults.tick", [n]); // published while the page's socket is gone
    }
    answerNickname.open(); // the reply waits in the session too
    await reached("open", 2);
    assert.equal(await greeting, "Hello, Aleo!");
    assert.equal(await during, 42);
    for (let n = 4; n <= 6; n++) {
      await faults.call("faults.tick", [n]);
    }
    await sixTicks.promise;
    assert.deepEqual(ticks, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(states, ["open", "resuming", "open"]);
    assert.equal(hookRuns, 0, "the reconnect hook runs only for a fresh session");
    assert.equal(rpc.pendingCalls, 0);
  } finally {
    await rpc.close();
  }
});

test("a streamed result goes on across a resume", async () => {
  const {rpc, reached} = await proxiedConnection();
  try {
    const items = [];
    for await (const n of rpc.stream("calc.count", [300], {window: 16})) {
      items.push(n);
      if (n === 100) {
        await faults.call("faults.cut");
        await reached("resuming");
      }
    }
    assert.deepEqual(items, Array.from({length: 300}, (_, i) => i));
  } finally {
    await rpc.close();
  }
});

test("resumableSessions: false fails pending calls at the drop, reconnects, runs the hook, renews subscriptions", async () => {
  const asked = latch();
  let hookRuns = 0;
  const {rpc, states, reached} = await proxiedConnection({
    resumableSessions: false,
    onReconnect: async (connection) => {
      hookRuns++;
      assert.equal(await connection.call("calc.add", [1, 1]), 2, "the hook's calls go through");
    },
    services: {nickname: () => { asked.open(); return new Promise(() => {}); }},
  });
  try {
    const ticks = [];
    const ticked = latch();
    await rpc.subscribe("proxied.tick", (payload) => { ticks.push(payload.n); ticked.open(); });
    const greeting = rpc.call("calc.greet", ["Alexander"]).then(() => null, (e) => e);
    await asked.promise;
    await faults.call("faults.cut");
    const failed = await greeting;
    assert.ok(failed instanceof RpcError && failed.code === ErrorCodes.CONNECTION_CLOSED && failed.closeCode === 1006,
        String(failed));
    await reached("open", 2);
    assert.deepEqual(states, ["open", "reconnecting", "open"]);
    assert.equal(hookRuns, 1);
    assert.equal(await rpc.call("calc.add", [2, 3]), 5);
    assert.equal(await faults.call("faults.tick", [9]), 1, "the renewed subscription is the only one");
    await ticked.promise;
    assert.deepEqual(ticks, [9]);
  } finally {
    await rpc.close();
  }
});

test("reconnect: false closes the connection with its socket", async () => {
  const {rpc, states} = await proxiedConnection({reconnect: false});
  const pending = rpc.call("calc.greet", ["Alexander"]).catch((e) => e); // nickname is not exposed: an error reply
  await faults.call("faults.cut");
  assert.deepEqual(await rpc.closed, {code: 1006, reason: ""});
  assert.deepEqual(states, ["open", "closed"]);
  assert.ok((await pending) instanceof RpcError);
  await assert.rejects(rpc.call("calc.add", [1, 2]), (e) => e.code === ErrorCodes.CONNECTION_CLOSED);
});

test("a call that finds the replay buffer full while resuming waits, then rejects with -32009; the others complete", async () => {
  const {rpc, reached} = await proxiedConnection({resumeBuffer: {bytes: 200, sendWait: 50}});
  try {
    await faults.call("faults.resetNew", [true]); // reconnect attempts fail until allowed again
    await faults.call("faults.cut");
    await reached("resuming");
    const first = rpc.call("calc.add", [1, 2]); // about 60 bytes each: three fit
    const second = rpc.call("calc.add", [3, 4]);
    const third = rpc.call("calc.add", [5, 6]);
    const fourth = rpc.call("calc.add", [7, 8]);
    await assert.rejects(fourth, (e) => e instanceof RpcError && e.code === ErrorCodes.REPLAY_BUFFER_FULL
        && /buffer's limit is 200/.test(e.data.reason));
    assert.equal(rpc.state, "resuming");
    await faults.call("faults.resetNew", [false]);
    assert.deepEqual(await Promise.all([first, second, third]), [3, 7, 11]);
    assert.equal(rpc.state, "open");
  } finally {
    await faults.call("faults.resetNew", [false]);
    await rpc.close();
  }
});

test("close() while resuming ends the connection at once; bad options are refused", async () => {
  const {rpc, reached, states} = await proxiedConnection();
  await faults.call("faults.resetNew", [true]);
  try {
    await faults.call("faults.cut");
    await reached("resuming");
    const pending = rpc.call("calc.add", [1, 2]);
    assert.deepEqual(await rpc.close(4000, "bye"), {code: 4000, reason: "bye"});
    await assert.rejects(pending, (e) => e.code === ErrorCodes.CONNECTION_CLOSED && e.closeCode === 4000);
    assert.deepEqual(states, ["open", "resuming", "closed"]);
  } finally {
    await faults.call("faults.resetNew", [false]);
  }
  await assert.rejects(connect(proxied, {WebSocket, reconnect: {maxDelay: -1}}), TypeError);
  await assert.rejects(connect(proxied, {WebSocket, resumeBuffer: {bytes: 0}}), TypeError);
  await assert.rejects(connect(proxied, {WebSocket, onReconnect: 1}), TypeError);
});

test("five cuts under load: every call completes once with its result, every event arrives once, in order", async () => {
  const {rpc, states} = await proxiedConnection();
  try {
    const events = [];
    await rpc.subscribe("proxied.tick", (payload) => events.push(payload.n));
    const calls = [];
    let published = 0;
    for (let cut = 0; cut < 5; cut++) {
      for (let i = 0; i < 100; i++) {
        const n = cut * 100 + i;
        calls.push(rpc.call("calc.add", [n, 1]).then((sum) => assert.equal(sum, n + 1)));
      }
      for (let i = 0; i < 20; i++) {
        await faults.call("faults.tick", [++published]); // from another connection, one after the other
      }
      await faults.call("faults.cut");
    }
    await Promise.all(calls);
    await faults.call("faults.tick", [++published]);
    while (events.length < published && rpc.state !== "closed") {
      await new Promise((resolve) => setTimeout(resolve, 10)); // bounded by the test's timeout
    }
    assert.deepEqual(events, Array.from({length: published}, (_, i) => i + 1));
    assert.ok(states.every((s) => s === "open" || s === "resuming"), states.join());
    assert.equal(rpc.pendingCalls, 0);
  } finally {
    await rpc.close();
  }
}, {timeout: 60000});
