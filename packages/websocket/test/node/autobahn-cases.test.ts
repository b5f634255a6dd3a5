// RFC 6455 rules over a real socket, organised like the Autobahn|Testsuite categories: a raw TCP client
// sends hand-built frames to our server and reads the raw answer, while a healthy `ws` connection to the
// same server checks that other connections never notice.
import { once } from "node:events";
import { deflateRawSync, inflateRawSync, constants as zlib } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { WebSocketListener } from "../../src/node.ts";
import { closePayload, echoServer, frame, RawClient, within } from "./helpers.ts";

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

let listener: WebSocketListener;
let healthy: WebSocket;

beforeAll(async () => {
  listener = await echoServer({ maxMessageSize: 64 * 1024, deflate: true });
  healthy = new WebSocket(listener.url);
  await within(once(healthy, "open"), 5000, "the healthy ws client");
});

afterAll(async () => {
  healthy.terminate();
  await listener.close();
});

/** The healthy connection still echoes. */
async function healthyStillEchoes(): Promise<void> {
  const reply = within(
    new Promise<string>((resolve) => healthy.once("message", (data) => resolve(String(data)))),
    5000,
    "healthy echo",
  );
  healthy.send("still here");
  expect(await reply).toBe("still here");
}

/** Send `frames` on a fresh connection and expect the server to fail it with `code`, then close TCP. */
async function expectFailure(code: number, ...frames: Buffer[]): Promise<void> {
  const client = await RawClient.open(listener.address.port);
  try {
    client.send(...frames);
    expect((await client.readClose()).code).toBe(code);
    await client.closedByServer();
  } finally {
    client.destroy();
  }
  await healthyStillEchoes();
}

/** Send `frames` and return the first non-control frame the server sends back. */
async function echoOf(client: RawClient, ...frames: Buffer[]) {
  client.send(...frames);
  for (let i = 0; i < 10; i++) {
    const reply = await client.read();
    if (reply.opcode !== PONG) return reply;
  }
  throw new Error("no data frame among 10 frames");
}

async function withClient<T>(use: (client: RawClient) => Promise<T>, request?: string): Promise<T> {
  const client = await RawClient.open(listener.address.port, { request });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

describe("1 framing", () => {
  it.each([0, 1, 125, 126, 127, 65535, 65536])(
    "echoes a %i-byte binary message unmasked with the shortest length encoding",
    async (size) => {
      await withClient(async (client) => {
        const payload = Buffer.alloc(size, 0x5a);
        const reply = await echoOf(client, frame(BINARY, payload));
        expect(reply).toMatchObject({ fin: true, rsv: 0, opcode: BINARY });
        expect(reply.payload.equals(payload)).toBe(true);
      });
    },
  );

  it("fails an unmasked client frame with 1002", async () => {
    await expectFailure(1002, frame(TEXT, "hi", { mask: false }));
  });

  it("parses frames that arrived in the same packet as the handshake", async () => {
    const client = await RawClient.open(listener.address.port, { extra: frame(TEXT, "early") });
    try {
      expect((await client.read()).payload.toString()).toBe("early");
    } finally {
      client.destroy();
    }
  });

  it("parses a frame delivered one byte at a time", async () => {
    await withClient(async (client) => {
      const bytes = frame(TEXT, "slowly");
      for (const byte of bytes) {
        client.send(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect((await client.read()).payload.toString()).toBe("slowly");
    });
  });
});

describe("2 pings and pongs", () => {
  it("answers a ping with a pong carrying the same payload", async () => {
    await withClient(async (client) => {
      client.send(frame(PING, "ping payload"));
      const pong = await client.read();
      expect(pong.opcode).toBe(PONG);
      expect(pong.payload.toString()).toBe("ping payload");
    });
  });

  it("answers a ping with a 125-byte binary payload", async () => {
    await withClient(async (client) => {
      const payload = Buffer.alloc(125, 0xfe);
      client.send(frame(PING, payload));
      expect((await client.read()).payload.equals(payload)).toBe(true);
    });
  });

  it("fails a ping with a 126-byte payload with 1002", async () => {
    await expectFailure(1002, frame(PING, Buffer.alloc(126)));
  });

  it("ignores an unsolicited pong", async () => {
    await withClient(async (client) => {
      const reply = await echoOf(client, frame(PONG, "unsolicited"), frame(TEXT, "after pong"));
      expect(reply.payload.toString()).toBe("after pong");
    });
  });
});

describe("3 reserved bits", () => {
  it.each([
    ["RSV2", 2],
    ["RSV3", 1],
  ])("fails a frame with %s set with 1002", async (_, rsv) => {
    await expectFailure(1002, frame(TEXT, "x", { rsv }));
  });

  it("fails RSV1 on a connection that did not negotiate deflate with 1002", async () => {
    await expectFailure(1002, frame(TEXT, "x", { rsv: 4 }));
  });
});

describe("4 opcodes", () => {
  it.each([3, 4, 5, 6, 7])("fails reserved data opcode %i with 1002", async (opcode) => {
    await expectFailure(1002, frame(opcode, "x"));
  });

  it.each([0xb, 0xc, 0xd, 0xe, 0xf])("fails reserved control opcode %i with 1002", async (opcode) => {
    await expectFailure(1002, frame(opcode, "x"));
  });
});

describe("5 fragmentation", () => {
  it("echoes a fragmented text message with a ping between its fragments, answering the ping first", async () => {
    await withClient(async (client) => {
      client.send(frame(TEXT, "Hello, ", { fin: false }), frame(PING, "mid"), frame(CONTINUATION, "world"));
      const pong = await client.read();
      expect(pong).toMatchObject({ opcode: PONG });
      expect(pong.payload.toString()).toBe("mid");
      expect((await client.read()).payload.toString()).toBe("Hello, world");
    });
  });

  it("fails a fragmented ping with 1002", async () => {
    await expectFailure(1002, frame(PING, "a", { fin: false }), frame(CONTINUATION, "b"));
  });

  it("fails a continuation with no message started with 1002", async () => {
    await expectFailure(1002, frame(CONTINUATION, "orphan"));
  });

  it("fails a new data frame inside a fragmented message with 1002", async () => {
    await expectFailure(1002, frame(TEXT, "a", { fin: false }), frame(TEXT, "b"));
  });
});

describe("6 UTF-8", () => {
  it("echoes valid multi-byte text split inside a code point across fragments", async () => {
    await withClient(async (client) => {
      const bytes = Buffer.from("κόσμε 🌍");
      const reply = await echoOf(
        client,
        frame(TEXT, bytes.subarray(0, 3), { fin: false }),
        frame(CONTINUATION, bytes.subarray(3)),
      );
      expect(reply.payload.toString()).toBe("κόσμε 🌍");
    });
  });

  it("fails invalid UTF-8 in a text message with 1007", async () => {
    await expectFailure(
      1007,
      frame(TEXT, Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80])),
    );
  });

  it("fails invalid UTF-8 with 1007 as soon as the bad fragment arrives, before the message ends", async () => {
    await expectFailure(
      1007,
      frame(TEXT, "valid start ", { fin: false }),
      frame(CONTINUATION, Buffer.from([0xff, 0xfe]), { fin: false }),
    );
  });

  it("fails a close reason that is not UTF-8 with 1007", async () => {
    await expectFailure(1007, frame(CLOSE, Buffer.concat([closePayload(1000), Buffer.from([0xff])])));
  });
});

describe("7 close handling", () => {
  it.each([1000, 1001, 1003, 1007, 1011, 3000, 4999])(
    "echoes a close with valid code %i and closes TCP",
    async (code) => {
      const client = await RawClient.open(listener.address.port);
      try {
        client.send(frame(CLOSE, closePayload(code, "bye")));
        expect(await client.readClose()).toEqual({ code, reason: expect.any(String) });
        await client.closedByServer();
      } finally {
        client.destroy();
      }
    },
  );

  it("answers an empty close with an empty close (1005 is never sent)", async () => {
    const client = await RawClient.open(listener.address.port);
    try {
      client.send(frame(CLOSE));
      const reply = await client.read();
      expect(reply.opcode).toBe(CLOSE);
      expect(reply.payload.length === 0 || reply.payload.readUInt16BE(0) === 1000).toBe(true);
    } finally {
      client.destroy();
    }
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])(
    "fails a close with invalid code %i with 1002",
    async (code) => {
      await expectFailure(1002, frame(CLOSE, closePayload(code)));
    },
  );

  it("fails a 1-byte close payload with 1002", async () => {
    await expectFailure(1002, frame(CLOSE, Buffer.from([0x03])));
  });

  it("ignores data sent after the client's close", async () => {
    const client = await RawClient.open(listener.address.port);
    try {
      client.send(frame(CLOSE, closePayload(1000)), frame(TEXT, "too late"));
      expect((await client.read()).opcode).toBe(CLOSE);
      await client.closedByServer();
    } finally {
      client.destroy();
    }
  });
});

describe("9 limits", () => {
  it("fails a frame declaring more than maxMessageSize with 1009 before the payload is sent", async () => {
    await expectFailure(1009, frame(BINARY, Buffer.alloc(0), { length: 64 * 1024 + 1 }));
  });

  it("fails fragments that add up to more than maxMessageSize with 1009", async () => {
    const half = Buffer.alloc(40 * 1024);
    await expectFailure(1009, frame(BINARY, half, { fin: false }), frame(CONTINUATION, half, { fin: false }));
  });

  it("fails a declared 2^63 length (top bit set) with an error close", async () => {
    const client = await RawClient.open(listener.address.port);
    try {
      const header = Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
      client.send(header);
      expect([1002, 1009]).toContain((await client.readClose()).code);
    } finally {
      client.destroy();
    }
  });
});

describe("12/13 permessage-deflate", () => {
  const deflateRequest =
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
    "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover; server_no_context_takeover\r\n\r\n";

  /** RFC 7692 §7.2.1: deflate with a sync flush and drop the trailing 00 00 ff ff. */
  const compress = (text: string) => {
    const bytes = deflateRawSync(Buffer.from(text), { finishFlush: zlib.Z_SYNC_FLUSH });
    return bytes.subarray(0, bytes.length - 4);
  };
  const decompress = (bytes: Buffer) =>
    inflateRawSync(Buffer.concat([bytes, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: zlib.Z_SYNC_FLUSH,
    }).toString();

  it("agrees on the offered parameters and echoes a compressed message", async () => {
    await withClient(async (client) => {
      expect(client.response).toContain("permessage-deflate");
      const text = "deflate me ".repeat(200);
      const reply = await echoOf(client, frame(TEXT, compress(text), { rsv: 4 }));
      expect(reply.opcode).toBe(TEXT);
      expect(reply.rsv === 4 ? decompress(reply.payload) : reply.payload.toString()).toBe(text);
    }, deflateRequest);
  });

  it("fails RSV1 on a continuation frame with 1002", async () => {
    const client = await RawClient.open(listener.address.port, { request: deflateRequest });
    try {
      const bytes = compress("abc".repeat(100));
      client.send(
        frame(TEXT, bytes.subarray(0, 5), { fin: false, rsv: 4 }),
        frame(CONTINUATION, bytes.subarray(5), { rsv: 4 }),
      );
      expect((await client.readClose()).code).toBe(1002);
    } finally {
      client.destroy();
    }
    await healthyStillEchoes();
  });

  it("fails a deflate bomb with 1009 while inflating", async () => {
    const client = await RawClient.open(listener.address.port, { request: deflateRequest });
    try {
      const bomb = deflateRawSync(Buffer.alloc(10 * 1024 * 1024), { finishFlush: zlib.Z_SYNC_FLUSH });
      expect(bomb.length).toBeLessThan(64 * 1024);
      client.send(frame(BINARY, bomb.subarray(0, bomb.length - 4), { rsv: 4 }));
      expect((await client.readClose()).code).toBe(1009);
    } finally {
      client.destroy();
    }
    await healthyStillEchoes();
  });
});
