// rpc-websockets' Client calls a Duplex RPC server.
// Usage: node rw-client.mjs <url whose connection gets the rpc-websockets event form> <plain url>
// Prints one {"step": ..., ...} line per step; the Java test checks them.
import { Client } from "rpc-websockets";
import { out, deadline, within, describe, main } from "./lib.mjs";

deadline(30);
const url = process.argv[2];
const plainUrl = process.argv[3];

async function step(name, fn) {
  try {
    out({ step: name, value: (await fn()) ?? null });
  } catch (error) {
    out({ step: name, error: describe(error) });
  }
}

function nextEvent(client, name) {
  return within(new Promise((resolve) => client.once(name, (...args) => resolve(args))), 5000, name);
}

async function connect(address) {
  const client = new Client(address, { reconnect: false });
  await within(new Promise((resolve, reject) => {
    client.once("open", resolve);
    client.once("error", reject);
  }), 5000, "open");
  return client;
}

main(async () => {
  const client = await connect(url);

  await step("positional", () => client.call("sum", [5, 3]));
  await step("named", () => client.call("subtract", { minuend: 10, subtrahend: 4 }));
  await step("void", () => client.call("touch"));
  await step("notify", () => client.notify("log", ["hello from rpc-websockets"]));
  await step("missing", () => client.call("nope", [1]));

  await step("subscribeInvalid", () => client.subscribe("nope"));
  await step("subscribe", () => client.subscribe("feed"));
  await step("event", async () => {
    const event = nextEvent(client, "feed");
    await client.call("publishFeed", [7]);
    return event; // the listener's arguments
  });
  await step("unsubscribe", () => client.unsubscribe("feed"));
  await step("eventAfterUnsubscribe", () => client.call("publishFeed", [8])); // the server's count

  await step("serverNotification", async () => {
    const event = nextEvent(client, "announce");
    await client.call("announce", ["to every listener"]);
    return event;
  });
  await step("serverRequest", () => client.call("askClient"));

  await step("concurrent", async () => {
    const calls = [];
    for (let i = 0; i < 200; i++) calls.push(client.call("sum", [i, 1000]));
    const results = await Promise.all(calls);
    const wrong = results.filter((r, i) => r !== i + 1000);
    return { count: results.length, wrong: wrong.length };
  });

  // The default form, a JSON-RPC notification: this client emits it with params as one argument.
  const plain = await connect(plainUrl);
  await step("subscribePlain", () => plain.subscribe("feed"));
  await step("eventInJsonRpcForm", async () => {
    const event = nextEvent(plain, "feed");
    await plain.call("publishFeed", [9]);
    return event;
  });

  plain.close();
  client.close();
});
