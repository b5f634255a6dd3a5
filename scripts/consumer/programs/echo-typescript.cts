// A strict TypeScript project compiled to CommonJS (`.cts` → `.cjs`, `import x = require(…)`): an echo over each
// framing through the typed API, one JSON line per check. Type-checks and runs against the installed tarballs.
import type { MessageStream } from "@framed/core";

import lengthPrefix = require("@framed/length-prefix/node");
import newline = require("@framed/newline/node");
import websocket = require("@framed/websocket/node");

const TIMEOUT_MS = 10_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function echo<T>(stream: MessageStream<T>): Promise<void> {
  for await (const message of stream) await stream.send(message);
}

const show = (message: string | Uint8Array): string =>
  typeof message === "string" ? JSON.stringify(message) : `bytes[${Array.from(message).join(",")}]`;

async function roundTrip<T extends string | Uint8Array>(client: MessageStream<T>, messages: T[]): Promise<void> {
  for (const message of messages) await client.send(message);
  const replies = client[Symbol.asyncIterator]();
  for (const [i, sent] of messages.entries()) {
    const next = await within(replies.next(), `echo reply ${i + 1} of ${messages.length}`);
    if (next.done) throw new Error(`stream ended after ${i} of ${messages.length} replies`);
    if (show(next.value) !== show(sent)) throw new Error(`reply ${i + 1}: sent ${show(sent)}, got ${show(next.value)}`);
  }
  await within(client.close(), "client close");
}

const checks: Array<[string, () => Promise<void>]> = [
  [
    "length-prefix",
    async () => {
      const server = await lengthPrefix.listen({ host: "127.0.0.1", port: 0 }, echo);
      const client = await lengthPrefix.connect({ host: "127.0.0.1", port: server.address.port });
      await roundTrip(client, [new Uint8Array([1, 2, 3, 4, 5, 6, 7]), new Uint8Array([9]), new Uint8Array(0)]);
      await within(server.close(), "server close");
    },
  ],
  [
    "newline",
    async () => {
      const server = await newline.listen({ host: "127.0.0.1", port: 0 }, echo);
      const client = await newline.connect({ host: "127.0.0.1", port: server.address.port });
      await roundTrip(client, ["alpha", "béta ✓", ""]);
      await within(server.close(), "server close");
    },
  ],
  [
    "websocket",
    async () => {
      const server = await websocket.listen({ host: "127.0.0.1", port: 0 }, echo);
      const client = await websocket.connect(`ws://127.0.0.1:${server.address.port}/`);
      await roundTrip<string | Uint8Array>(client, ["hello", new Uint8Array([1, 2, 3, 250]), "x".repeat(2000)]);
      await within(server.close(), "server close");
    },
  ],
];

(async () => {
  for (const [framing, run] of checks) {
    const check = `TypeScript compiled to CommonJS: ${framing} echo over 127.0.0.1`;
    try {
      await run();
      console.log(JSON.stringify({ check, ok: true }));
    } catch (error) {
      console.log(JSON.stringify({ check, ok: false, detail: error instanceof Error ? error.message : String(error) }));
    }
  }
  process.exit(0);
})();
