// The server's accept flow as one sans-I/O object: fed bytes split anywhere, it gives the same answer; it routes,
// validates, verifies (async, abandonable) and refuses with each status; its deadline is data, read with any `now`.
import { FramedError, isFramedError } from "@framed/core";
import { splitAnywhere } from "@framed/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServerOptions } from "../../src/adapter/options.ts";
import { type AcceptedUpgrade, type AcceptOutcome, ServerAccept } from "../../src/adapter/server-accept.ts";
import { upgradeSettings } from "../../src/adapter/server-upgrade.ts";
import { HttpHeaders } from "../../src/handshake/http-headers.ts";
import { sha1 } from "../../src/handshake/sha1.ts";
import { latin1Bytes, latin1Text, requestBytes, requestText, SAMPLE_ACCEPT } from "./requests.ts";

const FRAME = new Uint8Array([0x81, 0x82, 1, 2, 3, 4, 0x69, 0x6b]); // a masked "hi" sent eagerly after the head

function acceptFor(options: ServerOptions = {}, now = 1_000_000): ServerAccept {
  return new ServerAccept(upgradeSettings(options), sha1, now);
}

/** Feed the chunks in order; the first answer, or undefined when the head never completed. */
function feed(accept: ServerAccept, chunks: readonly Uint8Array[]): ReturnType<ServerAccept["receive"]> {
  return feedAll(accept, chunks).outcome;
}

/** The first answer, and the bytes of the chunks after the one that completed the head (the stream's to read). */
function feedAll(
  accept: ServerAccept,
  chunks: readonly Uint8Array[],
): { outcome: ReturnType<ServerAccept["receive"]>; later: number[] } {
  for (let i = 0; i < chunks.length; i++) {
    const outcome = accept.receive(chunks[i]);
    if (outcome !== undefined) return { outcome, later: chunks.slice(i + 1).flatMap((chunk) => [...chunk]) };
  }
  return { outcome: undefined, later: [] };
}

/** What the stream reads first: the head's leftover, then the later chunks. */
function framesAfter(upgrade: AcceptedUpgrade, later: number[]): number[] {
  return [...(upgrade.opening.head ?? []), ...later];
}

function accepted(outcome: ReturnType<ServerAccept["receive"]>): AcceptedUpgrade {
  if (outcome === undefined || outcome instanceof Promise || !("accepted" in outcome))
    throw new Error(`expected an acceptance, got ${String(outcome)}`);
  return outcome.accepted;
}

function refusedWith(outcome: ReturnType<ServerAccept["receive"]>): { status: number | undefined; response: string } {
  if (outcome === undefined || outcome instanceof Promise || !("refusal" in outcome))
    throw new Error("expected a refusal");
  return { status: outcome.refusal.status, response: latin1Text(outcome.response) };
}

describe("ServerAccept fed bytes", () => {
  it("answers a request split at every offset with the same 101, and hands on the bytes after the head", () => {
    const bytes = requestBytes({ "Sec-WebSocket-Protocol": "chat" }, FRAME);
    const whole = accepted(feed(acceptFor({ protocols: ["chat"] }), [bytes]));
    expect(latin1Text(whole.response)).toContain(`Sec-WebSocket-Accept: ${SAMPLE_ACCEPT}`);
    expect(whole.opening.agreement.protocol).toBe("chat");
    expect(whole.opening.head).toEqual(FRAME);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      const { outcome, later } = feedAll(acceptFor({ protocols: ["chat"] }), chunks);
      const split = accepted(outcome);
      expect(split.response).toEqual(whole.response);
      expect(framesAfter(split, later)).toEqual([...FRAME]);
    }
  });

  it("gives the same outcome for any split into many pieces (fast-check)", () => {
    const bytes = requestBytes({ "Sec-WebSocket-Extensions": "permessage-deflate" }, FRAME);
    const whole = accepted(feed(acceptFor({ deflate: true }), [bytes]));
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        const { outcome, later } = feedAll(acceptFor({ deflate: true }), splitAnywhere(bytes, cuts));
        const split = accepted(outcome);
        expect(split.response).toEqual(whole.response);
        expect(split.opening.agreement.deflate).toEqual(whole.opening.agreement.deflate);
        expect(framesAfter(split, later)).toEqual([...FRAME]);
      }),
      { numRuns: 300 },
    );
  });

  it("waits (undefined) until the blank line, then refuses any further bytes as a misuse", () => {
    const accept = acceptFor();
    const bytes = requestBytes();
    expect(accept.receive(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(accept.phase).toBe("head");
    expect(accept.buffered).toBe(bytes.length - 1);
    accepted(accept.receive(bytes.subarray(bytes.length - 1)));
    expect(accept.phase).toBe("answered");
    expect(() => accept.receive(FRAME)).toThrow(/after the request head/);
  });

  it("refuses a first line that cannot begin an HTTP request with 400 at once, before any blank line", () => {
    const accept = acceptFor();
    expect(accept.receive(latin1Bytes("GE"))).toBeUndefined();
    const refused = refusedWith(accept.receive(new Uint8Array([0x16, 0x03, 0x01])));
    expect(refused.status).toBe(400);
    expect(refused.response).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("keeps the head's text, not the parsed request, when no callback saw the request", () => {
    const plain = accepted(feed(acceptFor(), [requestBytes()]));
    expect(plain.opening.request).toBe(requestText());
    const chosen = accepted(feed(acceptFor({ protocols: () => undefined }), [requestBytes()]));
    expect(typeof chosen.opening.request).toBe("object");
  });

  it("opens with the server's shared framing unless permessage-deflate was agreed", () => {
    const settings = upgradeSettings({ deflate: true });
    const plain = accepted(new ServerAccept(settings, sha1).receive(requestBytes()));
    expect(plain.opening.framing).toBe(settings.framing);
    const offer = { "Sec-WebSocket-Extensions": "permessage-deflate" };
    const deflated = accepted(new ServerAccept(settings, sha1).receive(requestBytes(offer)));
    expect(deflated.opening.framing).not.toBe(settings.framing);
    expect(deflated.opening.role).toBe("server");
  });
});

describe("ServerAccept refusals, each with its status and response bytes", () => {
  const cases: Array<[string, ServerOptions, Uint8Array, number]> = [
    ["a path this server does not serve: 404", { path: "/other" }, requestBytes(), 404],
    ["a POST: 405", {}, latin1Bytes(`${requestText({}, "POST /chat HTTP/1.1")}\r\n\r\n`), 405],
    ["no Upgrade at all: 426", {}, requestBytes({ Upgrade: null }), 426],
    ["Sec-WebSocket-Version 8: 426", {}, requestBytes({ "Sec-WebSocket-Version": "8" }), 426],
    ["HTTP/1.0: 505", {}, latin1Bytes(`${requestText({}, "GET /chat HTTP/1.0")}\r\n\r\n`), 505],
    ["a bad key: 400", {}, requestBytes({ "Sec-WebSocket-Key": "short" }), 400],
    ["a head over maxHeaderSize: 431", { maxHeaderSize: 128 }, requestBytes({ "X-Pad": "x".repeat(200) }), 431],
    [
      "a headers function that throws: 500",
      {
        headers: () => {
          throw new Error("no session store");
        },
      },
      requestBytes(),
      500,
    ],
  ];
  for (const [name, options, bytes, status] of cases) {
    it(`refuses ${name}`, () => {
      const refused = refusedWith(feed(acceptFor(options), [bytes]));
      expect(refused.status).toBe(status);
      expect(refused.response).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    });
  }

  it("routes by path with the query ignored", () => {
    const bytes = latin1Bytes(`${requestText({}, "GET /chat?room=1 HTTP/1.1")}\r\n\r\n`);
    accepted(feed(acceptFor({ path: "/chat" }), [bytes]));
    expect(acceptFor({ path: "/chat" }).routes("/chat?x")).toBe(true);
    expect(acceptFor({ path: "/chat" }).routes("/chat/x")).toBe(false);
  });
});

describe("ServerAccept verify, the one awaited step", () => {
  it("runs verify with the parsed request and accepts on true", async () => {
    let seen: unknown;
    const accept = acceptFor({
      verify: async (request) => {
        seen = request;
        return true;
      },
    });
    const pending = accept.receive(requestBytes({}, FRAME));
    expect(pending).toBeInstanceOf(Promise);
    expect(accept.phase).toBe("verifying");
    const outcome = accepted(await pending);
    expect(outcome.opening.request).toBe(seen); // the very object verify saw
    expect(outcome.opening.head).toEqual(FRAME);
  });

  const refusals: Array<[string, ServerOptions["verify"], number]> = [
    ["false: 403", () => false, 403],
    ["{ status: 401 }: 401", async () => ({ status: 401, reason: "log in" }), 401],
    ["a status out of range: 500", () => ({ status: 200 }), 500],
    [
      "a throw: 500",
      () => {
        throw new Error("database down");
      },
      500,
    ],
    ["a rejection: 500", () => Promise.reject(new Error("database down")), 500],
  ];
  for (const [name, verify, status] of refusals) {
    it(`refuses a verify that answers ${name}`, async () => {
      const outcome = await acceptFor({ verify }).receive(requestBytes());
      expect(refusedWith(outcome as AcceptOutcome).status).toBe(status);
    });
  }

  it("rejects a verify still running when abandoned (client gone) with that error", async () => {
    const accept = acceptFor({ verify: () => new Promise<true>(() => {}) });
    const pending = accept.receive(requestBytes()) as Promise<AcceptOutcome>;
    accept.abandon(new FramedError("CONNECTION_RESET", "gone"));
    await expect(pending).rejects.toSatisfy((error) => isFramedError(error, "CONNECTION_RESET"));
  });
});

describe("ServerAccept deadline, as data", () => {
  it("is construction time + handshakeTimeout, read against any now", () => {
    const accept = acceptFor({ handshakeTimeout: 5000 }, 1_000);
    expect(accept.deadline).toBe(6_000);
    expect(accept.timeUntilDeadline(1_000)).toBe(5000);
    expect(accept.timeUntilDeadline(5_999)).toBe(1);
    expect(accept.timeUntilDeadline(7_000)).toBe(0);
    expect(acceptFor({ handshakeTimeout: 0 }).timeUntilDeadline(0)).toBeUndefined();
  });

  it("expires with TIMEOUT naming the phase, and fails a verify still running with it", async () => {
    const reading = acceptFor({ handshakeTimeout: 50 });
    expect(reading.expire().message).toBe("no WebSocket handshake within 50 ms");
    const verifying = acceptFor({ handshakeTimeout: 50, verify: () => new Promise<true>(() => {}) });
    const pending = verifying.receive(requestBytes()) as Promise<AcceptOutcome>;
    const error = verifying.expire();
    expect(error.message).toMatch(/verify still pending/);
    await expect(pending).rejects.toBe(error);
  });
});

describe("ServerAccept entered after an HTTP server parsed the request", () => {
  it("enter skips routing and reading, and validates the same way", () => {
    const head = { method: "GET", target: "/anything", version: "1.1", headers: HttpHeaders.fromPairs([]) };
    expect(refusedWith(acceptFor({ path: "/chat" }).enter(head, FRAME)).status).toBe(400);
    const fields = requestText()
      .split("\r\n")
      .slice(1)
      .flatMap((line) => line.split(": "));
    const valid = { ...head, headers: HttpHeaders.fromPairs(fields) };
    const outcome = accepted(acceptFor({ path: "/chat" }).enter(valid, FRAME));
    expect(latin1Text(outcome.response)).toMatch(/^HTTP\/1\.1 101 /);
  });

  it("enterConnect answers an HTTP/2 extended CONNECT with fields, or refuses it", () => {
    const connect = (method: string) => ({
      method,
      protocol: "websocket",
      path: "/chat",
      authority: "example.com",
      headers: HttpHeaders.fromPairs(["sec-websocket-version", "13", "sec-websocket-protocol", "chat"]),
    });
    const outcome = accepted(acceptFor({ protocols: ["chat"] }).enterConnect(connect("CONNECT")));
    expect(outcome.fields).toEqual([["sec-websocket-protocol", "chat"]]);
    expect(outcome.response.length).toBe(0);
    expect(outcome.opening.head).toBeUndefined();
    expect(refusedWith(acceptFor().enterConnect(connect("GET"))).status).toBe(405);
  });
});
