// Deno consumer: every framing's `/deno` entry through the bare names the project's deno.json maps (to
// `npm:` packages in one project, to `jsr:` packages in the other), an echo over 127.0.0.1 each, one JSON
// line per check.
import * as lengthPrefix from "@framed/length-prefix/deno";
import * as newline from "@framed/newline/deno";
import * as websocket from "@framed/websocket/deno";

const label = Deno.args[0] ?? "Deno";
const TIMEOUT_MS = 10_000;

function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Message = string | Uint8Array;
interface Stream<T extends Message> extends AsyncIterable<T> {
  send(message: T): Promise<void>;
  close(): Promise<unknown>;
}

function same(a: Message, b: Message): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function echoOver<T extends Message>(client: Stream<T>, messages: T[]): Promise<void> {
  for (const message of messages) await client.send(message);
  const iterator = client[Symbol.asyncIterator]();
  for (const [i, sent] of messages.entries()) {
    const next = await within(iterator.next(), `echo reply ${i + 1} of ${messages.length}`);
    if (next.done) throw new Error(`stream ended after ${i} of ${messages.length} replies`);
    if (!same(sent, next.value)) throw new Error(`reply ${i + 1}: sent ${String(sent)}, got ${String(next.value)}`);
  }
  await within(client.close(), "client close");
}

async function echo<T extends Message>(stream: Stream<T>): Promise<void> {
  for await (const message of stream) await stream.send(message);
}

const checks: Record<string, () => Promise<void>> = {
  async "length-prefix"() {
    const server = await lengthPrefix.listen({ hostname: "127.0.0.1", port: 0 }, echo);
    const client = await lengthPrefix.connect({ hostname: "127.0.0.1", port: server.address.port });
    await echoOver(client, [new Uint8Array([1, 2, 3, 4, 5, 6, 7]), new Uint8Array([8, 9, 10]), new Uint8Array(0)]);
    await within(server.close(), "server close");
  },
  async newline() {
    const server = await newline.listen({ hostname: "127.0.0.1", port: 0 }, echo);
    const client = await newline.connect({ hostname: "127.0.0.1", port: server.address.port });
    await echoOver(client, ["alpha", "béta ✓", ""]);
    await within(server.close(), "server close");
  },
  async websocket() {
    const server = await websocket.listen({ hostname: "127.0.0.1", port: 0 }, echo);
    const client = await websocket.connect(`ws://127.0.0.1:${server.address.port}/`);
    await echoOver<Message>(client, ["hello", new Uint8Array([1, 2, 3, 250]), "x".repeat(2000)]);
    await within(server.close(), "server close");
  },
};

for (const [name, run] of Object.entries(checks)) {
  const check = `${label}: ${name} echo over 127.0.0.1`;
  try {
    await within(run(), name, 3 * TIMEOUT_MS);
    console.log(JSON.stringify({ check, ok: true }));
  } catch (error) {
    console.log(JSON.stringify({ check, ok: false, detail: error instanceof Error ? error.message : String(error) }));
  }
}
Deno.exit(0);
