// rpc-websockets' Server, for a Duplex RPC client to call. Usage: node rw-server.mjs
// Prints {"port": N} once listening on 127.0.0.1, then one line per notification it receives.
// Exits when its standard input closes.
import { Server } from "rpc-websockets";
import { out, deadline, main } from "./lib.mjs";

deadline(30);

main(async () => {
  const server = new Server({ host: "127.0.0.1", port: 0 });
  server.event("feed");
  server.event("tick");
  server.event("single");

  server.register("sum", (params) => params[0] + params[1]);
  server.register("subtract", (params) => params.minuend - params.subtrahend);
  server.register("log", (params) => {
    out({ notified: params });
    return true;
  });
  server.register("fail", () => {
    throw new Error("failed on purpose");
  });
  server.register("nothing", () => undefined);
  server.register("emitAll", (params) => {
    server.emit("feed", { id: params[0], title: "from rpc-websockets" }); // one object: params is it
    server.emit("tick", 1, 2, 3); // several arguments: params is their array
    server.emit("single", 5); // one non-object argument: params is [5]
    return "emitted";
  });

  await new Promise((resolve) => server.on("listening", resolve));
  out({ port: server.wss.address().port });
  await new Promise((resolve) => {
    process.stdin.on("end", resolve);
    process.stdin.on("close", resolve);
    process.stdin.resume();
  });
  await server.close();
});
