// jsonrpc-bidirectional in bidirectional WebSocket mode: its client calls a Duplex RPC server, and
// the server calls the endpoint this script exposes, over the one socket.
// Usage: node jb-client.mjs <ws url>. Prints one {"step": ..., ...} line per step.
import { createRequire } from "node:module";
import JSONRPC from "jsonrpc-bidirectional";

// The WebSocket class jsonrpc-bidirectional depends on and was tested with (ws 5). With ws 8 its
// router breaks: ws 8 delivers messages as Buffers, and the router calls strMessage.trim().
const WebSocket = createRequire(createRequire(import.meta.url).resolve("jsonrpc-bidirectional"))("ws");
import { out, deadline, within, describe, main } from "./lib.mjs";

deadline(30);
const url = process.argv[2];

// What the Java server may call. The path must be the one in the URL (the library's rule for
// bidirectional mode: both ends register the same endpoint path).
class NodeEndpoint extends JSONRPC.EndpointBase {
  constructor() {
    super("Node", new URL(url).pathname, {}, JSONRPC.Client);
  }

  async double(incomingRequest, n) {
    return n * 2;
  }

  async greet(incomingRequest, name) {
    return `hello ${name}, from jsonrpc-bidirectional`;
  }

  async remember(incomingRequest, text) {
    out({ remembered: text });
    return null;
  }

  async fail(incomingRequest) {
    throw new JSONRPC.Exception("failed on purpose", -1);
  }

  // An event the Java server publishes (a JSON-RPC notification) arrives as a call of the
  // endpoint method named after it, with the payload as its one param.
  async feed(incomingRequest, payload) {
    out({ event: payload });
    return null;
  }
}

async function step(name, fn) {
  try {
    out({ step: name, value: (await fn()) ?? null });
  } catch (error) {
    out({ step: name, error: describe(error) });
  }
}

main(async () => {
  const server = new JSONRPC.Server();
  server.registerEndpoint(new NodeEndpoint());
  server.addPlugin(new JSONRPC.Plugins.Server.AuthenticationSkip());
  server.addPlugin(new JSONRPC.Plugins.Server.AuthorizeAll());

  const ws = new WebSocket(url);
  await within(new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  }), 5000, "open");
  const router = new JSONRPC.BidirectionalWebsocketRouter(server);
  const connectionID = router.addWebSocketSync(ws);
  const client = router.connectionIDToSingletonClient(connectionID, JSONRPC.Client);

  await step("call", () => client.rpc("add", [2, 3]));
  await step("missing", () => client.rpc("nope", []));
  await step("notify", () => client.rpc("note", ["fire and forget"], true));
  await step("callback", () => client.rpc("callMeBack", [21])); // Java calls double(21) meanwhile
  await step("javaCallsNode", () => client.rpc("callNode", ["java"]));
  await step("concurrentCallbacks", async () => {
    const calls = [];
    for (let i = 0; i < 100; i++) calls.push(client.rpc("callMeBack", [i]));
    const results = await Promise.all(calls);
    return { count: results.length, wrong: results.filter((r, i) => r !== `node doubled ${i} to ${2 * i}`).length };
  });

  await step("subscribe", () => client.rpc("rpc.on", ["feed", "nope"]));
  await step("publish", () => client.rpc("publishFeed", [7])); // the event's line comes first

  ws.close(1000, "done");
});
