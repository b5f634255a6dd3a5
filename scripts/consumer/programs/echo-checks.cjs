// The echo every consumer program runs over each framing, given the modules it loaded (by `import`, by
// `require`, or both): a server and a client over 127.0.0.1, three messages there and back. Plain
// CommonJS with no framed import of its own, so it never decides how the packages under test are loaded.
"use strict";

const TIMEOUT_MS = 10_000;

/** Rejects after `ms` with `what`, so a peer that never answers fails the check instead of hanging it. */
function within(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(message) {
  if (typeof message === "string") return JSON.stringify(message);
  if (message instanceof Uint8Array) return `bytes[${Array.from(message).join(",")}]`;
  return `${typeof message} ${String(message)}`;
}

function sameMessage(a, b) {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Sends `messages` on `client`, reads as many back, and checks each arrived whole, in order, with its type. */
async function echoOver(client, messages) {
  for (const message of messages) await client.send(message);
  const received = [];
  const iterator = client[Symbol.asyncIterator]();
  while (received.length < messages.length) {
    const next = await within(iterator.next(), `echo reply ${received.length + 1} of ${messages.length}`);
    if (next.done) {
      const closed = await client.closed;
      const why = closed.error ? `${closed.error.code}: ${closed.error.message}` : closed.initiator;
      throw new Error(`stream ended after ${received.length} of ${messages.length} replies (${why})`);
    }
    received.push(next.value);
  }
  messages.forEach((sent, i) => {
    if (!sameMessage(sent, received[i])) {
      throw new Error(`reply ${i + 1}: sent ${describe(sent)}, got ${describe(received[i])}`);
    }
  });
}

async function echoHandler(stream) {
  for await (const message of stream) await stream.send(message);
}

const bytes = (...values) => new Uint8Array(values);

/**
 * Starts `server.listen` with an echo handler, runs `use(port)`, then closes the listener. The first
 * failure is the one reported: a listener that then fails to close must not hide why the echo failed.
 */
async function withEchoServer(server, use) {
  const listener = await server.listen({ host: "127.0.0.1", port: 0 }, echoHandler);
  let failure;
  try {
    await use(listener.address.port);
  } catch (error) {
    failure = error;
  }
  try {
    await within(listener.close(), "server close", failure ? 1000 : TIMEOUT_MS);
  } catch (error) {
    failure ??= error;
  }
  if (failure) throw failure;
}

/**
 * One echo per framing. `server` and `client` are the framing's `/node` modules, each loaded as the calling
 * program chose (they may be two copies of the package: that is the point of the mixed program).
 */
const framings = {
  "length-prefix": (server, client) =>
    withEchoServer(server, async (port) => {
      const stream = await client.connect({ host: "127.0.0.1", port });
      await echoOver(stream, [
        bytes(1, 2, 3, 4, 5, 6, 7),
        bytes(8, 9, 10, 11, 12, 13, 14),
        bytes(0, 0, 0, 0, 0, 0, 255),
      ]);
      await within(stream.close(), "client close");
    }),
  newline: (server, client) =>
    withEchoServer(server, async (port) => {
      const stream = await client.connect({ host: "127.0.0.1", port });
      await echoOver(stream, ["alpha", "béta ✓", ""]);
      await within(stream.close(), "client close");
    }),
  websocket: (server, client) =>
    withEchoServer(server, async (port) => {
      const stream = await client.connect(`ws://127.0.0.1:${port}/`);
      await echoOver(stream, ["hello", bytes(1, 2, 3, 250), "x".repeat(2000)]);
      await within(stream.close(), "client close");
    }),
};

/**
 * Runs every framing's echo and prints one JSON line per check: `{"check": name, "ok": bool, "detail"?}`.
 * `modules[framing] = { server, client }`.
 */
async function runEchoes(label, modules) {
  const results = [];
  for (const [framing, run] of Object.entries(framings)) {
    const { server, client } = modules[framing];
    const check = `${label}: ${framing} echo over 127.0.0.1`;
    try {
      await within(run(server, client), `${framing} echo`, 3 * TIMEOUT_MS);
      results.push({ check, ok: true });
    } catch (error) {
      results.push({ check, ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

/** Prints the results for the stage runner (one JSON line each) and exits, whatever handles are still open. */
function report(results) {
  for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

module.exports = { runEchoes, report, within };
