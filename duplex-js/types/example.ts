// A typed use of the package, checked by `tsc --noEmit` in the build (it is not run, and not in
// the npm package): what a TypeScript user writes.
import { connect, remote, RpcError, ErrorCodes, type Connection, type ConnectionState, type Subscription } from "@duplexrpc/client";

/** The server's interface, as the Java side declares it (`@RpcService(prefix = "shop.")`). */
interface Shop {
  order(item: string, quantity: number): string;
  stock(item: string): Promise<number>;
  readonly name: string;
}

interface Tick {
  n: number;
}

export async function example(url: string): Promise<void> {
  const rpc: Connection = await connect(url, {
    callTimeout: 5000,
    services: {
      confirm: (question: string) => question.length > 0,
    },
    reconnect: { initialDelay: 250, maxAttempts: 20 },
    resumeBuffer: { bytes: 256 * 1024, sendWait: 5000 },
    onStateChange: (state: ConnectionState, previous) => console.log(`${previous} -> ${state}`),
    onReconnect: async (connection) => { await connection.call("login", ["token"]); },
  });
  const state: ConnectionState = rpc.state;
  // @ts-expect-error the states are named
  const wrong: typeof state = "down";

  const shop = remote<Shop>(rpc, "shop.");
  const receipt: string = await shop.order("coffee", 3);
  const stock: number = await shop.stock("coffee");
  // @ts-expect-error the quantity is a number
  await shop.order("coffee", "three");
  // @ts-expect-error a property that is not a method is not callable remotely
  shop.name;

  const sum = await rpc.call<number>("calc.add", [2, 3]);
  const named = await rpc.call("calc.sub", { minuend: 5, subtrahend: 3 });

  const batch = rpc.batch();
  const product = batch.call<number>("calc.mul", [3, 4]);
  batch.notify("calc.reset").send();

  const subscription: Subscription = await rpc.subscribe<Tick>("tick", (tick) => console.log(tick.n));
  subscription.close();

  try {
    await rpc.call("slow", [], { timeout: 100 });
  } catch (e) {
    if (e instanceof RpcError && e.code === ErrorCodes.TIMEOUT) {
      console.log("timed out", e.data);
    }
  }
  for await (const tick of rpc.stream<Tick>("feed.ticks", ["ACME"], { window: 64 })) {
    if (tick.n > 10) {
      break; // cancels the stream
    }
  }
  rpc.expose("nickname", (name: string) => name.slice(0, 3));
  rpc.notify("log", ["done", receipt, stock, sum, named, await product]);
  const { code, reason } = await rpc.close(1000, "bye");
  console.log(code, reason);
}

declare const console: { log(...args: unknown[]): void };
