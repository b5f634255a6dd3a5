// Core's Bun transport writes several pieces of one tick with one writev on a plain TCP socket (Bun's own
// `socket.write` takes one buffer), and never on TLS; real Bun sockets on 127.0.0.1.
import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { BunSocket } from "../src/bun/bun-api.ts";
import { type BunSocketData, BunSocketTransport, bunSocketHandlers } from "../src/bun/socket-transport.ts";
import { canWriteVectored, writeVectored } from "../src/bun/vectored-write.ts";
import { concatBytes } from "../src/bytes.ts";
import { writeOnlyEvents } from "./fixtures/write-only-events.ts";

declare const Bun: {
  listen(options: object): { port: number; stop(force?: boolean): void };
  connect(options: object): Promise<BunSocket<BunSocketData>>;
};

const fixture = (name: string) => readFileSync(new URL(`../../../test-support/tls/${name}`, import.meta.url), "utf8");
const certificate = { cert: fixture("localhost.cert.pem"), key: fixture("localhost.key.pem") };

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A server that collects what it receives; `paused` holds reading until `resume()`. */
async function collectingPair(options: { tls?: boolean; paused?: boolean } = {}) {
  const received: Uint8Array[] = [];
  let receivedBytes = 0;
  let serverSocket: BunSocket<unknown> | undefined;
  const server = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    ...(options.tls ? { tls: certificate } : {}),
    socket: {
      open(socket: BunSocket<unknown>) {
        serverSocket = socket;
        if (options.paused) socket.pause?.();
      },
      data(_socket: BunSocket<unknown>, bytes: Uint8Array) {
        received.push(bytes.slice());
        receivedBytes += bytes.length;
      },
    },
  });
  const client = await Bun.connect({
    hostname: "127.0.0.1",
    port: server.port,
    ...(options.tls ? { tls: { ca: certificate.cert, serverName: "localhost" } } : {}),
    socket: bunSocketHandlers(),
  });
  cleanups.push(() => {
    client.terminate();
    server.stop(true);
  });
  // Count Bun's own writes from here on (the instance's method shadows the prototype's).
  const ownWrite = client.write.bind(client);
  let socketWrites = 0;
  client.write = (bytes) => {
    socketWrites++;
    return ownWrite(bytes);
  };
  // Over TLS, Bun resolves `connect` before `open`: make the transport here then.
  client.data ??= {};
  client.data.transport ??= new BunSocketTransport(client);
  const transport = client.data.transport;
  const { events, drains } = writeOnlyEvents();
  transport.start(events);
  return {
    client,
    transport,
    socketWrites: () => socketWrites,
    drains,
    resume: () => serverSocket?.resume?.(),
    /** Wait (bounded) until `bytes` have arrived, then all of them joined. */
    async receivedUpTo(bytes: number): Promise<Uint8Array> {
      for (let waited = 0; receivedBytes < bytes && waited < 10_000; waited += 5) await sleep(5);
      return concatBytes(received);
    },
  };
}

/** Two large frames as a WebSocket server writes them: a 10-byte header, then its payload, each a piece. */
const framePieces = () => [pattern(10, 1), pattern(65_536, 2), pattern(10, 3), pattern(65_536, 4)];

test("Bun transport: on a plain TCP socket one tick's pieces leave in one writev, not a socket.write each", async () => {
  const pair = await collectingPair();
  expect(canWriteVectored(pair.client)).toBe(true);
  const pieces = framePieces();
  for (const piece of pieces) pair.transport.write(piece);
  const expected = concatBytes(pieces);
  expect(await pair.receivedUpTo(expected.length)).toEqual(expected);
  expect(pair.socketWrites()).toBe(0);
});

test("Bun transport: on a TLS socket every piece goes through Bun's socket.write, never past TLS", async () => {
  const pair = await collectingPair({ tls: true });
  expect(canWriteVectored(pair.client)).toBe(false);
  const pieces = framePieces();
  for (const piece of pieces) pair.transport.write(piece);
  const expected = concatBytes(pieces);
  expect(await pair.receivedUpTo(expected.length)).toEqual(expected);
  expect(pair.socketWrites()).toBeGreaterThanOrEqual(pieces.length); // more where TLS took a piece in part
});

test("Bun transport: through writev, bytes stay whole and in order when the kernel fills, and the sender gets drained", async () => {
  const pair = await collectingPair({ paused: true });
  const sent: Uint8Array[] = [];
  // 12 MiB in frames of two pieces, written while the peer reads nothing: the kernel fills, writev goes short
  // or fails with EAGAIN, and the rest waits for Bun's drain.
  for (let frame = 0; frame < 96; frame++) {
    const header = pattern(10, frame);
    const payload = pattern(128 * 1024 + frame, frame + 7);
    sent.push(header, payload);
    pair.transport.write(header);
    pair.transport.write(payload);
    if (frame % 8 === 7) await sleep(1);
  }
  await sleep(20);
  pair.resume();
  const expected = concatBytes(sent);
  const received = await pair.receivedUpTo(expected.length);
  expect(received.length).toBe(expected.length);
  expect(received).toEqual(expected);
  expect(pair.drains()).toBeGreaterThan(0);
  // Bun's own write only where writev came short (it asks Bun for `drain`): not once per piece.
  expect(pair.socketWrites()).toBeLessThan(sent.length / 4);
});

test("Bun writev: a closed socket's descriptor is never written (Bun sets it to -1), and test doubles are not plain sockets", async () => {
  const pair = await collectingPair();
  pair.client.terminate();
  expect(writeVectored(pair.client, framePieces())).toBe(0);
  const double = { data: {}, remoteAddress: "", write: () => 0, shutdown() {}, end() {}, terminate() {}, fd: 3 };
  expect(canWriteVectored(double)).toBe(false);
});
