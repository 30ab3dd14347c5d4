// The page side of BrowserResumeTest: a duplex.js connection (through the test's fault-injecting
// proxy) that records its states, reconnect hooks, events and the outcomes of calls, for the Java
// test to read back. Each wait is a promise the test awaits through the DevTools protocol.
import { connect } from "/duplex.js";

const waiters = [];
const changed = () => waiters.splice(0).forEach((wake) => wake());
const until = async (done) => {
  while (!done()) {
    await new Promise((resolve) => waiters.push(resolve));
  }
};

/** What the page saw. */
export const seen = {states: [], events: [], hookRuns: 0, asked: 0, outcomes: {}};
let rpc;
let releaseAsk;

/** Connects to `url`, subscribes to "news" and exposes "ask", which answers when released. */
export async function open(url) {
  rpc = await connect(url, {
    callTimeout: 0,
    reconnect: {initialDelay: 20, maxDelay: 200},
    onStateChange: (state) => { seen.states.push(state); changed(); },
    onReconnect: () => { seen.hookRuns++; changed(); },
    services: {
      ask: (question) => {
        seen.asked++;
        changed();
        return new Promise((resolve) => { releaseAsk = () => resolve("answer to " + question); });
      },
    },
  });
  await rpc.subscribe("news", (text) => { seen.events.push(text); changed(); });
  return rpc.state;
}

/** Starts a call whose outcome is kept under `name`. */
export function call(name, method, params) {
  seen.outcomes[name] = rpc.call(method, params).then(
      (result) => ({result}),
      (e) => ({code: e.code, message: e.message, closeCode: e.closeCode}));
  return name;
}

/** The outcome of the call kept under `name`, when it has one. */
export const outcome = (name) => seen.outcomes[name];

/** Answers the server's pending "ask". */
export function release() {
  releaseAsk();
  return true;
}

export const state = () => rpc.state;
export const reached = (s, n) => until(() => seen.states.filter((x) => x === s).length >= n).then(() => seen.states);
export const eventsAtLeast = (n) => until(() => seen.events.length >= n).then(() => seen.events);
export const asked = () => until(() => seen.asked >= 1).then(() => seen.asked);
export const summary = () => ({states: seen.states, events: seen.events, hookRuns: seen.hookRuns, asked: seen.asked,
  pendingCalls: rpc.pendingCalls, state: rpc.state});
