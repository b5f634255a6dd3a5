// RFC 6455 rules over a real socket, organised like the Autobahn|Testsuite categories, as a runtime-neutral
// table: a raw TCP client sends hand-built frames to an echo server and reads the raw answer, while a
// healthy connection to the same server checks that other connections never notice. The Node and the Deno
// server tests each run every case against their own server.
import assert from "node:assert/strict";
import { deflateRawSync, inflateRawSync, constants as zlib } from "node:zlib";
import { bytesOf, closePayload, concat, frame, type RawPeer, readClosePayload, textOf } from "./wire.ts";

/** The options the echo server under test is started with. */
export const AUTOBAHN_SERVER_OPTIONS = { maxMessageSize: 64 * 1024, deflate: true } as const;

/** What a runtime's test provides: raw connections to its echo server, and the healthy connection's check. */
export interface AutobahnServer {
  /** Connect and send `request` (a valid upgrade by default) in one write with `extra` bytes appended. */
  open(options?: { request?: string; extra?: Uint8Array }): Promise<RawPeer>;
  /** The healthy connection still echoes. */
  healthyStillEchoes(): Promise<void>;
}

/** One case: its Autobahn category, a name stating the rule, and the check. */
export interface AutobahnCase {
  category: string;
  name: string;
  run(server: AutobahnServer): Promise<void>;
}

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

async function withPeer<T>(
  server: AutobahnServer,
  use: (peer: RawPeer) => Promise<T>,
  options?: { request?: string; extra?: Uint8Array },
): Promise<T> {
  const peer = await server.open(options);
  try {
    return await use(peer);
  } finally {
    await peer.destroy();
  }
}

/** Send `frames` on a fresh connection and expect the server to fail it with `code`, then close TCP. */
async function expectFailure(server: AutobahnServer, code: number, ...frames: Uint8Array[]): Promise<void> {
  await withPeer(server, async (peer) => {
    peer.send(...frames);
    assert.equal((await peer.readClose()).code, code);
    await peer.closedByServer();
  });
  await server.healthyStillEchoes();
}

/** Send `frames` and return the first non-pong frame the server sends back. */
async function echoOf(peer: RawPeer, ...frames: Uint8Array[]) {
  peer.send(...frames);
  for (let i = 0; i < 10; i++) {
    const reply = await peer.read();
    if (reply.opcode !== PONG) return reply;
  }
  throw new Error("no data frame among 10 frames");
}

const DEFLATE_REQUEST =
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
  "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_no_context_takeover\r\n\r\n";

/** RFC 7692 §7.2.1: deflate with a sync flush and drop the trailing 00 00 ff ff. */
function compress(text: string): Uint8Array {
  const bytes = deflateRawSync(bytesOf(text), { finishFlush: zlib.Z_SYNC_FLUSH });
  return new Uint8Array(bytes.subarray(0, bytes.length - 4));
}

function decompress(bytes: Uint8Array): string {
  return textOf(inflateRawSync(concat(bytes, Uint8Array.of(0, 0, 0xff, 0xff)), { finishFlush: zlib.Z_SYNC_FLUSH }));
}

const cases: AutobahnCase[] = [];
const add = (category: string, name: string, run: AutobahnCase["run"]) => cases.push({ category, name, run });

// 1 framing
for (const size of [0, 1, 125, 126, 127, 65535, 65536]) {
  add("1 framing", `echoes a ${size}-byte binary message unmasked with the shortest length encoding`, (server) =>
    withPeer(server, async (peer) => {
      const payload = new Uint8Array(size).fill(0x5a);
      const reply = await echoOf(peer, frame(BINARY, payload));
      assert.deepEqual({ fin: reply.fin, rsv: reply.rsv, opcode: reply.opcode }, { fin: true, rsv: 0, opcode: BINARY });
      assert.deepEqual(new Uint8Array(reply.payload), payload);
    }),
  );
}
add("1 framing", "fails an unmasked client frame with 1002", (server) =>
  expectFailure(server, 1002, frame(TEXT, "hi", { mask: false })),
);
add("1 framing", "parses frames that arrived in the same packet as the handshake", (server) =>
  withPeer(server, async (peer) => assert.equal(textOf((await peer.read()).payload), "early"), {
    extra: frame(TEXT, "early"),
  }),
);
add("1 framing", "parses a frame delivered one byte at a time", (server) =>
  withPeer(server, async (peer) => {
    for (const byte of frame(TEXT, "slowly")) {
      peer.send(Uint8Array.of(byte));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    assert.equal(textOf((await peer.read()).payload), "slowly");
  }),
);

// 2 pings and pongs
add("2 pings and pongs", "answers a ping with a pong carrying the same payload", (server) =>
  withPeer(server, async (peer) => {
    peer.send(frame(PING, "ping payload"));
    const pong = await peer.read();
    assert.equal(pong.opcode, PONG);
    assert.equal(textOf(pong.payload), "ping payload");
  }),
);
add("2 pings and pongs", "answers a ping with a 125-byte binary payload", (server) =>
  withPeer(server, async (peer) => {
    const payload = new Uint8Array(125).fill(0xfe);
    peer.send(frame(PING, payload));
    assert.deepEqual(new Uint8Array((await peer.read()).payload), payload);
  }),
);
add("2 pings and pongs", "fails a ping with a 126-byte payload with 1002", (server) =>
  expectFailure(server, 1002, frame(PING, new Uint8Array(126))),
);
add("2 pings and pongs", "ignores an unsolicited pong", (server) =>
  withPeer(server, async (peer) => {
    const reply = await echoOf(peer, frame(PONG, "unsolicited"), frame(TEXT, "after pong"));
    assert.equal(textOf(reply.payload), "after pong");
  }),
);

// 3 reserved bits
for (const [name, rsv] of [
  ["RSV2", 2],
  ["RSV3", 1],
] as const) {
  add("3 reserved bits", `fails a frame with ${name} set with 1002`, (server) =>
    expectFailure(server, 1002, frame(TEXT, "x", { rsv })),
  );
}
add("3 reserved bits", "fails RSV1 on a connection that did not negotiate deflate with 1002", (server) =>
  expectFailure(server, 1002, frame(TEXT, "x", { rsv: 4 })),
);

// 4 opcodes
for (const opcode of [3, 4, 5, 6, 7]) {
  add("4 opcodes", `fails reserved data opcode ${opcode} with 1002`, (server) =>
    expectFailure(server, 1002, frame(opcode, "x")),
  );
}
for (const opcode of [0xb, 0xc, 0xd, 0xe, 0xf]) {
  add("4 opcodes", `fails reserved control opcode ${opcode} with 1002`, (server) =>
    expectFailure(server, 1002, frame(opcode, "x")),
  );
}

// 3.2, 4.1.x, 4.2.x and 5.9 in strict mode: every frame of the case in ONE write, so the bad frame arrives in
// the same read as the messages before it. Replies to those messages go out before the failing close; nothing
// after the bad frame is answered (no echo, no pong).
async function expectRepliesThenFailure(server: AutobahnServer, echoed: string[], frames: Uint8Array[]) {
  await withPeer(server, async (peer) => {
    peer.send(concat(...frames));
    for (const text of echoed) {
      const reply = await peer.read();
      assert.deepEqual({ opcode: reply.opcode, text: textOf(reply.payload) }, { opcode: TEXT, text });
    }
    const close = await peer.read();
    assert.equal(close.opcode, CLOSE, `a close frame right after the replies, not opcode ${close.opcode}`);
    assert.equal(readClosePayload(close.payload).code, 1002);
    await peer.closedByServer();
  });
  await server.healthyStillEchoes();
}
const HELLO = "Hello, world!";
add("strict, one write", "3.2: echoes the text sent before a frame with RSV2 set, then fails with 1002", (server) =>
  expectRepliesThenFailure(server, [HELLO], [frame(TEXT, HELLO), frame(TEXT, HELLO, { rsv: 2 }), frame(PING, HELLO)]),
);
for (const [id, opcode, withText, withPayload] of [
  ["4.1.2", 4, false, true],
  ["4.1.3", 5, true, false],
  ["4.1.4", 6, true, true],
  ["4.1.5", 7, true, true],
  ["4.2.1", 11, false, false],
  ["4.2.2", 12, false, true],
  ["4.2.3", 13, true, false],
  ["4.2.4", 14, true, true],
  ["4.2.5", 15, true, true],
] as const) {
  const name = withText
    ? `${id}: echoes the text sent before a frame with reserved opcode ${opcode}, then fails with 1002`
    : `${id}: fails a frame with reserved opcode ${opcode} with 1002`;
  add("strict, one write", name, (server) =>
    expectRepliesThenFailure(server, withText ? [HELLO] : [], [
      ...(withText ? [frame(TEXT, HELLO)] : []),
      frame(opcode, withPayload ? "reserved opcode payload" : ""),
      frame(PING, HELLO),
    ]),
  );
}
add(
  "strict, one write",
  "5.9: fails a FIN continuation with nothing to continue with 1002, ignoring the text after it",
  (server) =>
    expectRepliesThenFailure(server, [], [frame(CONTINUATION, "non-continuation payload"), frame(TEXT, HELLO)]),
);

// 5 fragmentation
add(
  "5 fragmentation",
  "echoes a fragmented text message with a ping between its fragments, answering the ping first",
  (server) =>
    withPeer(server, async (peer) => {
      peer.send(frame(TEXT, "Hello, ", { fin: false }), frame(PING, "mid"), frame(CONTINUATION, "world"));
      const pong = await peer.read();
      assert.equal(pong.opcode, PONG);
      assert.equal(textOf(pong.payload), "mid");
      assert.equal(textOf((await peer.read()).payload), "Hello, world");
    }),
);
add("5 fragmentation", "fails a fragmented ping with 1002", (server) =>
  expectFailure(server, 1002, frame(PING, "a", { fin: false }), frame(CONTINUATION, "b")),
);
add("5 fragmentation", "fails a continuation with no message started with 1002", (server) =>
  expectFailure(server, 1002, frame(CONTINUATION, "orphan")),
);
add("5 fragmentation", "fails a new data frame inside a fragmented message with 1002", (server) =>
  expectFailure(server, 1002, frame(TEXT, "a", { fin: false }), frame(TEXT, "b")),
);

// 6 UTF-8
add("6 UTF-8", "echoes valid multi-byte text split inside a code point across fragments", (server) =>
  withPeer(server, async (peer) => {
    const bytes = bytesOf("κόσμε 🌍");
    const reply = await echoOf(
      peer,
      frame(TEXT, bytes.subarray(0, 3), { fin: false }),
      frame(CONTINUATION, bytes.subarray(3)),
    );
    assert.equal(textOf(reply.payload), "κόσμε 🌍");
  }),
);
add("6 UTF-8", "fails invalid UTF-8 in a text message with 1007", (server) =>
  expectFailure(
    server,
    1007,
    frame(TEXT, Uint8Array.of(0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80)),
  ),
);
add("6 UTF-8", "fails invalid UTF-8 with 1007 as soon as the bad fragment arrives, before the message ends", (server) =>
  expectFailure(
    server,
    1007,
    frame(TEXT, "valid start ", { fin: false }),
    frame(CONTINUATION, Uint8Array.of(0xff, 0xfe), { fin: false }),
  ),
);
add("6 UTF-8", "fails a close reason that is not UTF-8 with 1007", (server) =>
  expectFailure(server, 1007, frame(CLOSE, concat(closePayload(1000), Uint8Array.of(0xff)))),
);

// 7 close handling
for (const code of [1000, 1001, 1003, 1007, 1011, 3000, 4999]) {
  add("7 close handling", `echoes a close with valid code ${code} and closes TCP`, (server) =>
    withPeer(server, async (peer) => {
      peer.send(frame(CLOSE, closePayload(code, "bye")));
      assert.equal((await peer.readClose()).code, code);
      await peer.closedByServer();
    }),
  );
}
add("7 close handling", "answers an empty close with an empty close (1005 is never sent)", (server) =>
  withPeer(server, async (peer) => {
    peer.send(frame(CLOSE));
    const reply = await peer.read();
    assert.equal(reply.opcode, CLOSE);
    assert.ok(reply.payload.length === 0 || readClosePayload(reply.payload).code === 1000);
  }),
);
for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]) {
  add("7 close handling", `fails a close with invalid code ${code} with 1002`, (server) =>
    expectFailure(server, 1002, frame(CLOSE, closePayload(code))),
  );
}
add("7 close handling", "fails a 1-byte close payload with 1002", (server) =>
  expectFailure(server, 1002, frame(CLOSE, Uint8Array.of(0x03))),
);
add("7 close handling", "ignores data sent after the client's close", (server) =>
  withPeer(server, async (peer) => {
    peer.send(frame(CLOSE, closePayload(1000)), frame(TEXT, "too late"));
    assert.equal((await peer.read()).opcode, CLOSE);
    await peer.closedByServer();
  }),
);

// 9 limits
add("9 limits", "fails a frame declaring more than maxMessageSize with 1009 before the payload is sent", (server) =>
  expectFailure(server, 1009, frame(BINARY, new Uint8Array(0), { length: 64 * 1024 + 1 })),
);
add("9 limits", "fails fragments that add up to more than maxMessageSize with 1009", (server) => {
  const half = new Uint8Array(40 * 1024);
  return expectFailure(server, 1009, frame(BINARY, half, { fin: false }), frame(CONTINUATION, half, { fin: false }));
});
add("9 limits", "fails a declared 2^63 length (top bit set) with an error close", (server) =>
  withPeer(server, async (peer) => {
    peer.send(Uint8Array.of(0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4));
    assert.ok([1002, 1009].includes((await peer.readClose()).code));
  }),
);

// 12/13 permessage-deflate
add("12/13 permessage-deflate", "agrees on the offered parameters and echoes a compressed message", (server) =>
  withPeer(
    server,
    async (peer) => {
      assert.match(peer.response, /permessage-deflate/);
      const text = "deflate me ".repeat(200);
      const reply = await echoOf(peer, frame(TEXT, compress(text), { rsv: 4 }));
      assert.equal(reply.opcode, TEXT);
      assert.equal(reply.rsv === 4 ? decompress(reply.payload) : textOf(reply.payload), text);
    },
    { request: DEFLATE_REQUEST },
  ),
);
add("12/13 permessage-deflate", "fails RSV1 on a continuation frame with 1002", async (server) => {
  await withPeer(
    server,
    async (peer) => {
      const bytes = compress("abc".repeat(100));
      peer.send(
        frame(TEXT, bytes.subarray(0, 5), { fin: false, rsv: 4 }),
        frame(CONTINUATION, bytes.subarray(5), { rsv: 4 }),
      );
      assert.equal((await peer.readClose()).code, 1002);
    },
    { request: DEFLATE_REQUEST },
  );
  await server.healthyStillEchoes();
});
add("12/13 permessage-deflate", "fails a deflate bomb with 1009 while inflating", async (server) => {
  await withPeer(
    server,
    async (peer) => {
      const bomb = deflateRawSync(new Uint8Array(10 * 1024 * 1024), { finishFlush: zlib.Z_SYNC_FLUSH });
      assert.ok(bomb.length < 64 * 1024);
      peer.send(frame(BINARY, bomb.subarray(0, bomb.length - 4), { rsv: 4 }));
      assert.equal((await peer.readClose()).code, 1009);
    },
    { request: DEFLATE_REQUEST },
  );
  await server.healthyStillEchoes();
});

/** Every case, in category order. */
export const autobahnCases: readonly AutobahnCase[] = cases;
