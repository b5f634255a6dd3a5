// Autobahn categories 12–13 (permessage-deflate): round trips, context takeover, window bits, interop with
// node:zlib, RSV1 rules, and a hard inflated-size limit checked while inflating.
import zlib from "node:zlib";
import { concatBytes, openRecorded } from "@framed/core/testing";
import { describe, expect, test } from "vitest";
import {
  type CompressorFactory,
  createZlibCompressor,
  DEFLATE_TAIL,
  websocketFraming,
  type ZlibModule,
} from "../../src/index.ts";
import {
  BINARY,
  CONTINUATION,
  deflateParams,
  frame,
  open,
  type ParsedFrame,
  serverReceives,
  TEXT,
  utf8,
} from "./frames.ts";

const { Z_SYNC_FLUSH } = zlib.constants;
const json = (i: number) =>
  JSON.stringify({ id: i, user: "someone", items: Array.from({ length: 40 }, (_, k) => ({ k, name: `item-${k}` })) });

/** What a peer's compressor puts in a frame: raw DEFLATE up to a sync flush, tail removed. */
function peerCompress(data: Uint8Array | string, options: zlib.ZlibOptions = {}): Uint8Array {
  const out = zlib.deflateRawSync(typeof data === "string" ? utf8(data) : data, {
    finishFlush: Z_SYNC_FLUSH,
    ...options,
  });
  return new Uint8Array(out.subarray(0, out.length - 4));
}

/** Inflate one of our compressed payloads with node:zlib directly. */
function peerInflate(payload: Uint8Array, windowBits = 15): Uint8Array {
  return new Uint8Array(
    zlib.inflateRawSync(concatBytes([payload, DEFLATE_TAIL]), { finishFlush: Z_SYNC_FLUSH, windowBits }),
  );
}

/** Client-encoded bytes (masked, compressed) of `messages`, and the frames written. */
function clientSends(messages: (string | Uint8Array)[], options = {}): { bytes: Uint8Array; frames: ParsedFrame[] } {
  const harness = open({ deflate: deflateParams(), compressionThreshold: 0, ...options }, "client");
  for (const message of messages) harness.session.send(message);
  return { bytes: concatBytes(harness.record.writes), frames: harness.written() };
}

describe("permessage-deflate (Autobahn 12.x/13.x)", () => {
  test("compressed messages round-trip from client to server, text and binary", () => {
    const messages = [json(1), utf8(json(2)), "κόσμε ".repeat(500), new Uint8Array(70_000).fill(3)];
    const { bytes, frames } = clientSends(messages);
    expect(frames.every((f) => f.rsv1)).toBe(true);
    const harness = serverReceives([bytes], { deflate: deflateParams() });
    expect(harness.record.end).toBeUndefined();
    expect(harness.record.messages).toEqual(messages);
  });

  test("server-compressed messages round-trip to a client, split into one-byte chunks", () => {
    const server = open({ deflate: deflateParams(), compressionThreshold: 0 }, "server");
    const messages = [json(1), json(2), new Uint8Array(5000).fill(9)];
    for (const m of messages) server.session.send(m);
    const bytes = concatBytes(server.record.writes);
    const client = open({ deflate: deflateParams() }, "client");
    for (let i = 0; i < bytes.length; i++) client.session.receive(bytes.subarray(i, i + 1));
    expect(client.record.messages).toEqual(messages);
  });

  test("with context takeover a repeated message compresses smaller the second time", () => {
    const { frames } = clientSends([json(7), json(7)]);
    expect(frames[1].payload.length).toBeLessThan(frames[0].payload.length / 2);
  });

  test("with client_no_context_takeover every message is compressed from an empty window", () => {
    const { bytes, frames } = clientSends([json(7), json(7), json(7)], {
      deflate: deflateParams({ clientNoContextTakeover: true }),
    });
    expect(frames[1].payload).toEqual(frames[0].payload);
    expect(frames[2].payload).toEqual(frames[0].payload);
    // Each payload inflates on its own.
    expect(new TextDecoder().decode(peerInflate(frames[2].payload))).toBe(json(7));
    const harness = serverReceives([bytes], { deflate: deflateParams({ clientNoContextTakeover: true }) });
    expect(harness.record.messages).toEqual([json(7), json(7), json(7)]);
  });

  test("server_no_context_takeover resets the server's compressor after each message", () => {
    const server = open(
      { deflate: deflateParams({ serverNoContextTakeover: true }), compressionThreshold: 0 },
      "server",
    );
    server.session.send(json(1));
    server.session.send(json(1));
    const [first, second] = server.written();
    expect(second.payload).toEqual(first.payload);
  });

  test("our compressed payloads inflate with plain node:zlib (tail appended), message by message", () => {
    const { frames } = clientSends([json(1), json(2)], { deflate: deflateParams({ clientNoContextTakeover: true }) });
    expect(new TextDecoder().decode(peerInflate(frames[0].payload))).toBe(json(1));
    expect(new TextDecoder().decode(peerInflate(frames[1].payload))).toBe(json(2));
  });

  test("our context-takeover stream inflates with one continuous node:zlib inflater", async () => {
    const messages = [json(1), json(2), json(1)];
    const { frames } = clientSends(messages);
    const inflater = zlib.createInflateRaw();
    const out: Buffer[] = [];
    inflater.on("data", (chunk: Buffer) => out.push(chunk));
    for (const f of frames) {
      inflater.write(f.payload);
      inflater.write(DEFLATE_TAIL);
    }
    await new Promise<void>((resolve) => inflater.flush(Z_SYNC_FLUSH, () => resolve()));
    expect(Buffer.concat(out).toString()).toBe(messages.join(""));
  });

  test("payloads from node:zlib raw deflate (sync flush, tail stripped) are inflated by the session", () => {
    const harness = serverReceives(
      [
        frame({ opcode: TEXT, rsv1: true, payload: peerCompress(json(3)) }),
        frame({ opcode: BINARY, rsv1: true, payload: peerCompress(new Uint8Array(10_000)) }),
      ],
      { deflate: deflateParams() },
    );
    expect(harness.record.messages).toEqual([json(3), new Uint8Array(10_000)]);
  });

  test("a message ending in a BFINAL block (Z_FINISH) is accepted and the next message still inflates", () => {
    const finished = new Uint8Array(zlib.deflateRawSync(utf8("final block")));
    const harness = serverReceives(
      [
        frame({ opcode: TEXT, rsv1: true, payload: finished }),
        frame({ opcode: TEXT, rsv1: true, payload: peerCompress("next") }),
      ],
      { deflate: deflateParams({ clientNoContextTakeover: true }) },
    );
    expect(harness.record.messages).toEqual(["final block", "next"]);
  });

  test("RSV1 is set on the first frame of a compressed message only; fragmented compressed messages inflate", () => {
    const payload = peerCompress(json(5));
    const third = Math.floor(payload.length / 3);
    const harness = serverReceives(
      [
        frame({ opcode: TEXT, rsv1: true, payload: payload.subarray(0, third), fin: false }),
        frame({ opcode: CONTINUATION, payload: payload.subarray(third, 2 * third), fin: false }),
        frame({ opcode: CONTINUATION, payload: payload.subarray(2 * third) }),
      ],
      { deflate: deflateParams() },
    );
    expect(harness.record.messages).toEqual([json(5)]);
  });

  test("RSV1 on a continuation frame fails with 1002", () => {
    const payload = peerCompress(json(5));
    const harness = serverReceives(
      [
        frame({ opcode: TEXT, rsv1: true, payload: payload.subarray(0, 10), fin: false }),
        frame({ opcode: CONTINUATION, rsv1: true, payload: payload.subarray(10) }),
      ],
      { deflate: deflateParams() },
    );
    expect(harness.record.end?.code).toBe(1002);
  });

  test("an uncompressed message (RSV1 clear) is accepted between compressed ones", () => {
    const harness = serverReceives(
      [
        frame({ opcode: TEXT, rsv1: true, payload: peerCompress("a".repeat(100)) }),
        frame({ opcode: TEXT, payload: "plain" }),
      ],
      { deflate: deflateParams() },
    );
    expect(harness.record.messages).toEqual(["a".repeat(100), "plain"]);
  });

  test("messages below compressionThreshold are sent uncompressed (RSV1 clear), larger ones compressed", () => {
    const harness = open({ deflate: deflateParams(), compressionThreshold: 100 }, "server");
    harness.session.send("x".repeat(99));
    harness.session.send("x".repeat(100));
    expect(harness.written().map((f) => f.rsv1)).toEqual([false, true]);
  });

  test("the default compressionThreshold is 1024 bytes", () => {
    const harness = open({ deflate: deflateParams() }, "server");
    harness.session.send(new Uint8Array(1023));
    harness.session.send(new Uint8Array(1024));
    expect(harness.written().map((f) => f.rsv1)).toEqual([false, true]);
  });

  test("an empty compressed message (RSV1, no payload, or the single byte 0x00) is an empty message", () => {
    const harness = serverReceives(
      [
        frame({ opcode: TEXT, rsv1: true }),
        frame({ opcode: BINARY, rsv1: true, payload: Uint8Array.of(0) }),
        frame({ opcode: TEXT, rsv1: true, payload: peerCompress("after") }),
      ],
      { deflate: deflateParams() },
    );
    expect(harness.record.messages).toEqual(["", new Uint8Array(0), "after"]);
  });

  test("an empty message sent compressed after others is the single byte 0x00", () => {
    const { frames, bytes } = clientSends(["something", ""]);
    expect(frames[1].payload).toEqual(Uint8Array.of(0));
    expect(serverReceives([bytes], { deflate: deflateParams() }).record.messages).toEqual(["something", ""]);
  });

  test.each([9, 10, 12, 15])("client_max_window_bits=%i: our output inflates with a window of that size", (bits) => {
    const random = Uint8Array.from({ length: 700 }, (_, i) => (i * 7919 + (i >> 3) * 31) & 0xff);
    const data = concatBytes(Array.from({ length: 8 }, () => random));
    const { frames } = clientSends([data], {
      deflate: deflateParams({ clientMaxWindowBits: bits, clientNoContextTakeover: true }),
    });
    expect(peerInflate(frames[0].payload, bits)).toEqual(data);
  });

  test("an agreed 8-bit window is served with zlib's 9 bits, whose matches stay within 256 bytes", () => {
    const random = Uint8Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) & 0xff);
    const data = concatBytes(Array.from({ length: 10 }, () => random));
    const { frames } = clientSends([data], {
      deflate: deflateParams({ clientMaxWindowBits: 8, clientNoContextTakeover: true }),
    });
    expect(peerInflate(frames[0].payload, 8)).toEqual(data);
  });

  test("a peer using a smaller window (server_max_window_bits=10) is inflated", () => {
    const client = open({ deflate: deflateParams({ serverMaxWindowBits: 10 }) }, "client");
    client.session.receive(
      frame({ opcode: TEXT, rsv1: true, mask: false, payload: peerCompress(json(9), { windowBits: 10 }) }),
    );
    expect(client.record.messages).toEqual([json(9)]);
  });

  test("compressed data that is not DEFLATE fails with 1002", () => {
    const harness = serverReceives(
      [frame({ opcode: BINARY, rsv1: true, payload: Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x01) })],
      { deflate: deflateParams() },
    );
    expect(harness.record.end?.code).toBe(1002);
    expect(harness.record.end?.error?.message).toMatch(/compressed data is invalid/);
  });

  test("compressed text that inflates to invalid UTF-8 fails with 1007", () => {
    const harness = serverReceives(
      [frame({ opcode: TEXT, rsv1: true, payload: peerCompress(Uint8Array.of(0x61, 0xc0, 0xaf)) })],
      { deflate: deflateParams() },
    );
    expect(harness.record.end?.code).toBe(1007);
  });

  test("an inflated message over maxMessageSize fails with 1009", () => {
    const harness = serverReceives([frame({ opcode: TEXT, rsv1: true, payload: peerCompress("z".repeat(2000)) })], {
      deflate: deflateParams(),
      maxMessageSize: 1000,
    });
    expect(harness.record.end?.code).toBe(1009);
    expect(harness.record.end?.error?.code).toBe("MESSAGE_TOO_LARGE");
  });

  test("a compressed payload announced far beyond maxMessageSize fails with 1009 at the header", () => {
    const harness = open({ deflate: deflateParams(), maxMessageSize: 1000 });
    harness.session.receive(frame({ opcode: BINARY, rsv1: true, declaredLength: 5000 }).subarray(0, 8));
    expect(harness.record.end?.code).toBe(1009);
  });

  test("a deflate bomb (50 MB of zeros) fails with 1009 after inflating little more than the limit", () => {
    const bomb = peerCompress(new Uint8Array(50_000_000));
    expect(bomb.length).toBeLessThan(60_000);
    let inflated = 0;
    const counting: CompressorFactory = {
      createDeflater: (s) => createZlibCompressor(zlib).createDeflater(s),
      createInflater(settings) {
        const inner = createZlibCompressor(zlib).createInflater(settings);
        return {
          inflate: (data, last, budget, output) =>
            inner.inflate(data, last, budget, (piece) => {
              inflated += piece.length;
              output(piece);
            }),
          dispose: () => inner.dispose(),
        };
      },
    };
    const limit = 1024 * 1024;
    const before = process.memoryUsage().arrayBuffers;
    const harness = serverReceives([frame({ opcode: BINARY, rsv1: true, payload: bomb })], {
      deflate: deflateParams(),
      maxMessageSize: limit,
      compressor: counting,
    });
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(harness.record.end?.code).toBe(1009);
    expect(inflated).toBeLessThanOrEqual(limit);
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });

  test("a deflate bomb sent as fragments fails at the fragment that passes the limit, before the rest arrives", () => {
    const bomb = peerCompress(new Uint8Array(50_000_000));
    const harness = open({ deflate: deflateParams(), maxMessageSize: 1024 * 1024 });
    const step = 1024;
    let sent = 0;
    while (!harness.record.end && sent < bomb.length) {
      harness.session.receive(
        frame({
          opcode: sent === 0 ? BINARY : CONTINUATION,
          rsv1: sent === 0,
          payload: bomb.subarray(sent, sent + step),
          fin: false,
        }),
      );
      sent += step;
    }
    expect(harness.record.end?.code).toBe(1009);
    expect(sent).toBeLessThan(bomb.length / 4);
  });

  test("the compressor is pluggable: a custom factory is used for both directions", () => {
    const calls: string[] = [];
    const base = createZlibCompressor(zlib);
    const factory: CompressorFactory = {
      createDeflater(s) {
        calls.push(`deflater ${s.windowBits}`);
        return base.createDeflater(s);
      },
      createInflater(s) {
        calls.push(`inflater ${s.windowBits}`);
        return base.createInflater(s);
      },
    };
    const options = {
      deflate: deflateParams({ clientMaxWindowBits: 12 }),
      compressionThreshold: 0,
      compressor: factory,
    };
    const server = open(options, "server");
    server.session.send("hello");
    server.session.receive(frame({ opcode: TEXT, rsv1: true, payload: peerCompress("hi", { windowBits: 12 }) }));
    expect(server.record.messages).toEqual(["hi"]);
    expect(calls).toEqual(["deflater 15", "inflater 12"]);
  });

  test("no_context_takeover connections share pooled zlib contexts instead of holding one each", () => {
    let created = 0;
    const countingZlib: ZlibModule = {
      constants: zlib.constants,
      createDeflateRaw(o) {
        created++;
        return zlib.createDeflateRaw(o);
      },
      createInflateRaw(o) {
        created++;
        return zlib.createInflateRaw(o);
      },
    };
    const compressor = createZlibCompressor(countingZlib);
    const options = {
      deflate: deflateParams({ serverNoContextTakeover: true, clientNoContextTakeover: true }),
      compressionThreshold: 0,
      compressor,
    };
    const sessions = Array.from({ length: 100 }, () => openRecorded(websocketFraming(options), "server"));
    for (const { session } of sessions) {
      session.send(json(1));
      session.receive(frame({ opcode: TEXT, rsv1: true, payload: peerCompress(json(2)) }));
    }
    expect(sessions.every(({ record }) => record.messages.length === 1)).toBe(true);
    expect(created).toBeLessThanOrEqual(3); // the probe's inflater, one deflater, one inflater
  });

  test("createZlibCompressor refuses bad levels and a zlib without the synchronous handle", () => {
    expect(() => createZlibCompressor(zlib, { level: 10 })).toThrow(RangeError);
    expect(() => createZlibCompressor(zlib, { memLevel: 0 })).toThrow(RangeError);
    const hollow: ZlibModule = {
      constants: zlib.constants,
      createDeflateRaw: () => ({}),
      createInflateRaw: () => ({}),
    };
    expect(() => createZlibCompressor(hollow)).toThrow(/synchronous handle/);
  });
});

describe("permessage-deflate with unmaskInPlace", () => {
  test("compressed messages from a client inflate the same when unmasked inside the received chunks", () => {
    const messages = [json(1), "κόσμε ".repeat(300), new Uint8Array(20_000).fill(8)];
    const { bytes } = clientSends(messages);
    const harness = open({ deflate: deflateParams(), unmaskInPlace: true });
    for (let at = 0; at < bytes.length; at += 1000) harness.session.receive(bytes.slice(at, at + 1000));
    expect(harness.record.messages).toEqual(messages);
  });
});
