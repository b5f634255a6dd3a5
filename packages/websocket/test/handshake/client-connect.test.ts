// The client's handshake as one sans-I/O object: its request, the server's answer fed split anywhere, each way
// the answer can be wrong, the bytes after the 101, and the deadline as data read with any `now`.
import { FramedError } from "@framed/core";
import { splitAnywhere } from "@framed/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientConnect, ClientConnectHttp2 } from "../../src/adapter/client-connect.ts";
import type { StreamOpening } from "../../src/adapter/open-stream.ts";
import type { ClientOptions } from "../../src/adapter/options.ts";
import { parseTarget } from "../../src/adapter/target.ts";
import { parseRequestHead } from "../../src/handshake/http-head.ts";
import { HttpHeaders } from "../../src/handshake/http-headers.ts";
import { acceptUpgrade, validateUpgradeRequest } from "../../src/handshake/server-handshake.ts";
import { sha1 } from "../../src/handshake/sha1.ts";
import { latin1Bytes, latin1Text } from "./requests.ts";

const FRAME = new Uint8Array([0x81, 0x02, 0x68, 0x69]); // an unmasked "hi" right behind the 101

function connectFor(options: ClientOptions = {}, now = 1_000_000, url = "ws://example.com:8080/chat?x=1") {
  return new ClientConnect(parseTarget(url), options, sha1, now);
}

/** The 101 our own server would answer the client's request with, then `rest`. */
function answerTo(handshake: ClientConnect, serverOptions = {}, rest = FRAME): Uint8Array {
  const text = latin1Text(handshake.request);
  const request = validateUpgradeRequest(parseRequestHead(text.slice(0, text.indexOf("\r\n\r\n"))));
  const response = acceptUpgrade(request, serverOptions).response;
  const bytes = new Uint8Array(response.length + rest.length);
  bytes.set(response);
  bytes.set(rest, response.length);
  return bytes;
}

/** Feed the chunks; the opening and the bytes of the chunks after the one that completed the head. */
function feedAll(
  handshake: ClientConnect,
  chunks: readonly Uint8Array[],
): { opening?: StreamOpening; after: number[] } {
  for (let i = 0; i < chunks.length; i++) {
    const opening = handshake.receive(chunks[i]);
    if (opening) return { opening, after: [...(opening.head ?? []), ...chunks.slice(i + 1).flatMap((c) => [...c])] };
  }
  return { after: [] };
}

function failure(run: () => unknown): FramedError {
  try {
    run();
  } catch (error) {
    if (error instanceof FramedError) return error;
    throw error;
  }
  throw new Error("expected a FramedError");
}

describe("ClientConnect request", () => {
  it("is a GET upgrade for the URL's path with a key, the subprotocols, a deflate offer and Authorization", () => {
    const text = latin1Text(connectFor({ protocols: ["chat", "superchat"] }, 0, "ws://u:p@example.com/a?b").request);
    expect(text).toMatch(/^GET \/a\?b HTTP\/1\.1\r\n/);
    expect(text).toContain("Host: example.com\r\n");
    expect(text).toMatch(/Sec-WebSocket-Key: [A-Za-z0-9+/]{22}==\r\n/);
    expect(text).toContain("Sec-WebSocket-Protocol: chat, superchat\r\n");
    expect(text).toContain("Sec-WebSocket-Extensions: permessage-deflate");
    expect(text).toContain("Authorization: Basic dTpw\r\n");
  });

  it("rejects bad options before anything is dialled", () => {
    expect(() => connectFor({ protocols: ["bad token"] })).toThrow(TypeError);
    expect(() => connectFor({ handshakeTimeout: -1 })).toThrow(RangeError);
    expect(() => connectFor({ maxMessageSize: -5 })).toThrow();
  });
});

describe("ClientConnect fed the server's answer", () => {
  it("accepts a 101 split at every offset, with what was agreed and the frames behind it", () => {
    const length = answerTo(connectFor()).length;
    for (let cut = 0; cut <= length; cut++) {
      const handshake = connectFor({ protocols: ["chat"] });
      const bytes = answerTo(handshake, { protocols: ["chat"], deflate: true });
      const { opening, after } = feedAll(handshake, [bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(opening?.agreement.protocol).toBe("chat");
      expect(opening?.agreement.deflate).not.toBeNull();
      expect(opening?.agreement.upgradeResponse?.status).toBe(101);
      expect(opening?.role).toBe("client");
      expect(after).toEqual([...FRAME]);
    }
  });

  it("gives the same opening for any split into many pieces (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        const handshake = connectFor({ deflate: false });
        const bytes = answerTo(handshake);
        const { opening, after } = feedAll(handshake, splitAnywhere(bytes, cuts));
        expect(opening?.agreement.extensions).toBe("");
        expect(after).toEqual([...FRAME]);
      }),
      { numRuns: 300 },
    );
  });

  it("fails a refusal with its status and the start of its body", () => {
    const handshake = connectFor();
    expect(handshake.receive(latin1Bytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n"))).toBeUndefined();
    const error = failure(() => handshake.receive(latin1Bytes("\r\nno entry\n")));
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/403 Forbidden: no entry/);
  });

  it("fails a wrong Sec-WebSocket-Accept and a subprotocol nobody offered", () => {
    const wrongAccept = latin1Bytes(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n",
    );
    expect(failure(() => connectFor().receive(wrongAccept)).message).toMatch(/Sec-WebSocket-Accept/);
    const handshake = connectFor({ protocols: ["chat"] });
    const chosen = latin1Text(answerTo(handshake, { protocols: () => "chat" })).replace("chat", "other");
    expect(failure(() => handshake.receive(latin1Bytes(chosen))).message).toMatch(/"other", which was not offered/);
  });

  it("fails at once when the first line cannot begin an HTTP response", () => {
    const error = failure(() => connectFor().receive(latin1Bytes("+OK redis\r\n")));
    expect(error.code).toBe("HANDSHAKE_FAILED");
    expect(error.message).toMatch(/did not send an HTTP response/);
  });

  it("says how many bytes came when the server hung up early", () => {
    const handshake = connectFor();
    expect(handshake.closedEarly().message).toMatch(/without answering the WebSocket upgrade request/);
    handshake.receive(latin1Bytes("HTTP/1.1 1"));
    expect(handshake.closedEarly().message).toMatch(/after 10 bytes that are not a complete HTTP response/);
  });
});

describe("ClientConnect deadline, as data", () => {
  it("is construction time + handshakeTimeout, read against any now, and expires with TIMEOUT", () => {
    const handshake = connectFor({ handshakeTimeout: 3000 }, 10_000);
    expect(handshake.deadline).toBe(13_000);
    expect(handshake.timeUntilDeadline(12_000)).toBe(1000);
    expect(handshake.timeUntilDeadline(20_000)).toBe(0);
    expect(handshake.expire().code).toBe("TIMEOUT");
    expect(handshake.expire().message).toBe(
      "no WebSocket handshake response from ws://example.com:8080 within 3000 ms",
    );
    expect(connectFor({ handshakeTimeout: 0 }).timeUntilDeadline(0)).toBeUndefined();
    expect(connectFor({}, 0).timeUntilDeadline(0)).toBe(10_000);
  });
});

describe("ClientConnectHttp2", () => {
  const target = parseTarget("wss://example.com/chat");

  it("builds the extended CONNECT's fields and checks the 200 the same way", () => {
    const handshake = new ClientConnectHttp2(target, { protocols: ["chat"], headers: { Origin: "https://a" } }, 0);
    expect(handshake.fields).toMatchObject({
      ":method": "CONNECT",
      ":protocol": "websocket",
      ":path": "/chat",
      ":authority": "example.com",
      "sec-websocket-protocol": "chat",
      origin: "https://a",
    });
    const opening = handshake.respond(200, HttpHeaders.fromPairs(["sec-websocket-protocol", "chat"]));
    expect(opening.agreement.protocol).toBe("chat");
    expect(opening.head).toBeUndefined();
    expect(failure(() => handshake.respond(403, HttpHeaders.fromPairs([]))).status).toBe(403);
    expect(handshake.timeUntilDeadline(4000)).toBe(6000);
    expect(handshake.expire().message).toMatch(/no answer to the WebSocket CONNECT from wss:\/\/example.com/);
  });
});
