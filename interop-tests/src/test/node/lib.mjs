// Shared helpers of the interop scripts: one JSON object per stdout line, and a hard time limit so
// that a script never outlives its test.
export function out(object) {
  process.stdout.write(JSON.stringify(object) + "\n");
}

export function deadline(seconds) {
  const timer = setTimeout(() => {
    out({ fatal: `no exit within ${seconds} s` });
    process.exit(3);
  }, seconds * 1000);
  timer.unref();
}

export function within(promise, millis, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${millis} ms`)), millis);
    }),
  ]).finally(() => clearTimeout(timer));
}

// An Error's own fields, or a plain error object as rpc-websockets rejects with.
export function describe(error) {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, code: error.code };
  }
  return error;
}

export async function main(body) {
  try {
    await body();
    process.exit(0);
  } catch (error) {
    out({ fatal: String(error && error.stack ? error.stack : error) });
    process.exit(1);
  }
}
