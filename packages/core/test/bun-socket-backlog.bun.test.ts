// Core's Bun socket transport when the kernel takes only part of a write: what waits for `drain` (copied or
// kept as it is), its order, backpressure and the FIN after it, against a scripted socket in real Bun.
import { expect, test } from "bun:test";
import type { BunSocket } from "../src/bun/bun-api.ts";
import { type BunSocketData, BunSocketTransport } from "../src/bun/socket-transport.ts";
import { WriteSlab } from "../src/write-slab.ts";
import { writeOnlyEvents } from "./fixtures/write-only-events.ts";

/** A socket whose kernel takes at most `room` bytes until `drain` is scripted, recording every write. */
class ScriptedSocket implements BunSocket<BunSocketData> {
  data: BunSocketData = {};
  readonly remoteAddress = "127.0.0.1";
  /** Every array handed to `write`, as given (the same memory, not a copy). */
  readonly calls: Uint8Array[] = [];
  /** The bytes the kernel took, in order. */
  readonly taken: number[] = [];
  shutdowns = 0;
  /** `write <length>` and `nodelay <on>` in the order they came. */
  readonly log: string[] = [];

  constructor(public room: number) {}

  write(bytes: Uint8Array | string): number {
    const array = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    this.calls.push(array);
    this.log.push(`write ${array.length}`);
    const took = Math.min(this.room, array.length);
    this.room -= took;
    for (let i = 0; i < took; i++) this.taken.push(array[i]);
    return took;
  }
  setNoDelay(noDelay = true): boolean {
    this.log.push(`nodelay ${noDelay}`);
    return true;
  }
  shutdown(): void {
    this.shutdowns++;
  }
  end(): void {}
  terminate(): void {}
}

function started(socket: ScriptedSocket, highWaterMark = 1024 * 1024) {
  const transport = new BunSocketTransport(socket, { writableHighWaterMark: highWaterMark });
  const { events, drains } = writeOnlyEvents();
  transport.start(events);
  return { transport, drains };
}

const pattern = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

/** Let the transport's microtask flush run. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Give the kernel `chunk` more bytes at a time and call `drain` until nothing waits (bounded). */
function drainAll(socket: ScriptedSocket, transport: BunSocketTransport, chunk: number): void {
  for (let round = 0; round < 10_000; round++) {
    const before = socket.taken.length;
    socket.room += chunk;
    transport.onDrain();
    if (socket.taken.length === before) return;
  }
}

test("Bun transport: a large write the kernel did not take waits as the caller's own bytes, not a copy", async () => {
  const socket = new ScriptedSocket(0);
  const { transport } = started(socket);
  const first = pattern(64 * 1024, 1);
  const second = pattern(64 * 1024, 2);
  transport.write(first);
  transport.write(second);
  await tick();
  socket.room = Number.MAX_SAFE_INTEGER;
  transport.onDrain();
  // Written again on drain from the same memory: a 64 KiB echo payload is not copied once more per message.
  const large = socket.calls.filter((call) => call.length === 64 * 1024);
  expect(large.length).toBeGreaterThanOrEqual(2);
  expect(large.some((call) => call.buffer === first.buffer)).toBe(true);
  expect(large.some((call) => call.buffer === second.buffer)).toBe(true);
  expect(Uint8Array.from(socket.taken)).toEqual(Uint8Array.from([...first, ...second]));
});

test("Bun transport: a small write-slab frame left waiting is copied out, so it does not hold the slab", async () => {
  const socket = new ScriptedSocket(0);
  const { transport } = started(socket);
  const slab = new WriteSlab();
  const frame = slab.take(100);
  frame.set(pattern(100, 3));
  const expected = frame.slice();
  transport.write(frame);
  await tick();
  socket.room = Number.MAX_SAFE_INTEGER;
  transport.onDrain();
  const resent = socket.calls.at(-1) as Uint8Array;
  expect(resent.buffer).not.toBe(slab.buffer);
  expect(resent.byteLength).toBe(100);
  expect(Uint8Array.from(socket.taken)).toEqual(expected);
});

test("Bun transport: bytes stay whole and in order when the kernel takes odd pieces of large and small writes", async () => {
  const socket = new ScriptedSocket(5000);
  const { transport, drains } = started(socket, 64 * 1024);
  const writes = [
    pattern(10, 4),
    pattern(70_000, 5),
    pattern(10, 6),
    pattern(20_000, 7),
    pattern(300, 8),
    pattern(65_536, 9),
  ];
  let refused = 0;
  for (const chunk of writes) if (!transport.write(chunk)) refused++;
  expect(refused).toBeGreaterThan(0); // over the high-water mark: the sender must wait for `drained`
  await tick();
  // While the first bytes wait, later writes queue behind them and keep their order.
  transport.write(pattern(40_000, 10));
  await tick();
  transport.end();
  expect(socket.shutdowns).toBe(0); // our FIN waits for the backlog
  drainAll(socket, transport, 7_777);
  const expected = [...writes, pattern(40_000, 10)].flatMap((chunk) => [...chunk]);
  expect(socket.taken.length).toBe(expected.length);
  expect(Uint8Array.from(socket.taken)).toEqual(Uint8Array.from(expected));
  expect(drains()).toBeGreaterThan(0);
  expect(socket.shutdowns).toBe(1);
});

test("Bun transport: a header and its large payload leave with Nagle on between them and off after (cork)", async () => {
  const socket = new ScriptedSocket(Number.MAX_SAFE_INTEGER);
  const { transport } = started(socket);
  socket.log.length = 0; // the constructor's own setNoDelay(true)
  transport.write(pattern(10, 11));
  transport.write(pattern(65_536, 12));
  await tick();
  // Two writes (no copy to join them), and no segment pushed for the 10-byte header alone.
  expect(socket.log).toEqual(["nodelay false", "write 10", "write 65536", "nodelay true"]);
  socket.log.length = 0;
  transport.write(pattern(100, 13));
  await tick();
  expect(socket.log).toEqual(["write 100"]); // one piece: nothing to cork
});

test("Bun transport: writing a waiting backlog of several pieces on drain is corked the same way", async () => {
  const socket = new ScriptedSocket(0);
  const { transport } = started(socket);
  transport.write(pattern(10, 14));
  transport.write(pattern(65_536, 15));
  await tick();
  socket.log.length = 0;
  socket.room = Number.MAX_SAFE_INTEGER;
  transport.onDrain();
  expect(socket.log).toEqual(["nodelay false", "write 10", "write 65536", "nodelay true"]);
  expect(Uint8Array.from(socket.taken)).toEqual(Uint8Array.from([...pattern(10, 14), ...pattern(65_536, 15)]));
});
