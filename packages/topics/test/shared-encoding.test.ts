// The core contract's SharedEncoding, as framed's framings implement it: the bytes are exactly what `send`
// writes, equal settings share a key, and sessions whose bytes are their own (clients, context takeover) opt out.
import { type Framing, isFramedError } from "@framed/core";
import { decodeChunks, encodeMessages, openRecorded, streamPair } from "@framed/core/testing";
import { lengthPrefix } from "@framed/length-prefix";
import { ndjson, newline } from "@framed/newline";
import { websocketFraming } from "@framed/websocket";
import { describe, expect, it } from "vitest";

const deflateNoTakeover = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

const cases: [string, () => Framing<unknown>, unknown[]][] = [
  [
    "length-prefix uint32be",
    () => lengthPrefix() as Framing<unknown>,
    [new Uint8Array(300).fill(7), "text", new Uint8Array(0)],
  ],
  ["length-prefix varint", () => lengthPrefix({ header: "varint" }) as Framing<unknown>, [new Uint8Array([1, 2, 3])]],
  ["newline", () => newline() as Framing<unknown>, ["a line", "x".repeat(70_000), ""]],
  ["ndjson", () => ndjson() as Framing<unknown>, [{ a: 1 }, [1, "two"], null]],
  ["websocket server", () => websocketFraming() as Framing<unknown>, ["text", new Uint8Array(500).fill(1)]],
  [
    "websocket server, permessage-deflate without context takeover",
    () => websocketFraming({ deflate: deflateNoTakeover }) as Framing<unknown>,
    ["z".repeat(5000), "short", new Uint8Array(4000).fill(3)],
  ],
];

describe("SharedEncoding", () => {
  for (const [name, make, messages] of cases) {
    it(`${name}: encode gives exactly the bytes send writes, on every session with the same settings`, () => {
      const first = openRecorded(make(), "server");
      const second = openRecorded(make(), "server");
      const encoding = first.session.sharedEncoding;
      expect(encoding).toBeDefined();
      expect(second.session.sharedEncoding?.key).toBe(encoding?.key);
      for (const message of messages) {
        const bytes = encoding?.encode(message) as Uint8Array;
        expect(bytes).toEqual(encodeMessages(make(), [message], "server"));
        second.session.sendEncoded?.(bytes);
      }
      // The other session wrote them as is, and a peer decodes the original messages.
      const decoded = decodeChunks(make(), second.record.writes, { role: "client", end: false });
      const viaSend = decodeChunks(make(), [encodeMessages(make(), messages, "server")], {
        role: "client",
        end: false,
      });
      expect(decoded.messages).toHaveLength(messages.length);
      expect(decoded.messages).toEqual(viaSend.messages);
    });
  }

  it("different settings get different keys", () => {
    const key = (framing: Framing<unknown>) => openRecorded(framing, "server").session.sharedEncoding?.key;
    const keys = [
      key(lengthPrefix() as Framing<unknown>),
      key(lengthPrefix({ header: "varint" }) as Framing<unknown>),
      key(newline() as Framing<unknown>),
      key(newline({ delimiter: "\r\n" }) as Framing<unknown>),
      key(ndjson() as Framing<unknown>),
      key(websocketFraming() as Framing<unknown>),
      key(websocketFraming({ deflate: deflateNoTakeover }) as Framing<unknown>),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("a WebSocket client (masks) and a server with context takeover have no shared encoding", () => {
    expect(openRecorded(websocketFraming(), "client").session.sharedEncoding).toBeUndefined();
    const takeover = websocketFraming({ deflate: { ...deflateNoTakeover, serverNoContextTakeover: false } });
    expect(openRecorded(takeover, "server").session.sharedEncoding).toBeUndefined();
  });

  it("a WebSocket session refuses encoded bytes once its close frame is out, as send does", () => {
    const { session } = openRecorded(websocketFraming(), "server");
    const bytes = session.sharedEncoding?.encode("x") as Uint8Array;
    session.close(1000, "");
    expect(() => session.sendEncoded?.(bytes)).toThrow(expect.objectContaining({ code: "CLOSED" }));
  });

  it("a stream writes encoded bytes in order with its sends, and throws CLOSED once closed", async () => {
    const { client, server } = streamPair(lengthPrefix());
    const encoding = server.sharedEncoding;
    expect(encoding).toBeDefined();
    await server.send(new Uint8Array([1]));
    expect(server.sendEncoded(encoding?.encode(new Uint8Array([2])) as Uint8Array)).toBeNull();
    await server.send(new Uint8Array([3]));
    const iterator = client[Symbol.asyncIterator]();
    const got = [];
    for (let i = 0; i < 3; i++) got.push([...((await iterator.next()).value as Uint8Array)]);
    expect(got).toEqual([[1], [2], [3]]);
    await client.close();
    await server.closed;
    let thrown: unknown;
    try {
      server.sendEncoded(new Uint8Array([0, 0, 0, 0]));
    } catch (error) {
      thrown = error;
    }
    expect(isFramedError(thrown, "CLOSED")).toBe(true);
  });
});
