// The client's half of the opening handshake: the request it sends and its checks of the server's answer.
import { FramedError } from "@framed/core";
import { describe, expect, it } from "vitest";
import {
  type ClientHandshake,
  createClientHandshake,
  validateUpgradeResponse,
} from "../../src/handshake/client-handshake.ts";
import { parseRequestHead, parseResponseHead } from "../../src/handshake/http-head.ts";
import { acceptUpgrade, validateUpgradeRequest } from "../../src/handshake/server-handshake.ts";
import { latin1Bytes, latin1Text, SAMPLE_ACCEPT, SAMPLE_KEY } from "./requests.ts";

function response(fields: Record<string, string>, statusLine = "HTTP/1.1 101 Switching Protocols") {
  return parseResponseHead(
    [statusLine, ...Object.entries(fields).map(([name, value]) => `${name}: ${value}`)].join("\r\n"),
  );
}

const GOOD = { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Accept": SAMPLE_ACCEPT };

function handshake(options: Partial<Parameters<typeof createClientHandshake>[0]> = {}): ClientHandshake {
  return createClientHandshake({ host: "example.com", path: "/chat", key: SAMPLE_KEY, ...options });
}

function failure(action: () => unknown): FramedError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FramedError);
    expect((error as FramedError).code).toBe("HANDSHAKE_FAILED");
    return error as FramedError;
  }
  throw new Error("expected HANDSHAKE_FAILED");
}

describe("createClientHandshake", () => {
  it("writes a request our own server accepts, with subprotocols, the deflate offer and extra headers", () => {
    const client = createClientHandshake({
      host: "example.com:8080",
      path: "/chat?room=1",
      protocols: ["chat.v2", "chat.v1"],
      headers: { Origin: "http://example.com", Authorization: "Bearer x" },
    });
    const text = latin1Text(client.request);
    expect(text.endsWith("\r\n\r\n")).toBe(true);
    const request = validateUpgradeRequest(parseRequestHead(text.slice(0, -4)));
    expect(request).toMatchObject({
      url: "/chat?room=1",
      host: "example.com:8080",
      origin: "http://example.com",
      key: client.key,
    });
    expect(request.protocols).toEqual(["chat.v2", "chat.v1"]);
    expect(request.headers.get("sec-websocket-extensions")).toBe("permessage-deflate; client_max_window_bits");
    expect(request.headers.get("authorization")).toBe("Bearer x");
  });

  it("uses a fresh key each time and leaves the deflate offer out when disabled", () => {
    const a = createClientHandshake({ host: "h", path: "/", deflate: false });
    const b = createClientHandshake({ host: "h", path: "/" });
    expect(a.key).not.toBe(b.key);
    expect(a.deflate).toBeNull();
    expect(latin1Text(a.request)).not.toContain("Sec-WebSocket-Extensions");
  });

  it("lets a Host header replace the default one", () => {
    expect(latin1Text(handshake({ headers: { host: "virtual.example" } }).request)).toContain(
      "\r\nHost: virtual.example\r\n",
    );
  });

  it.each([
    ["a header the handshake owns", { headers: { "Sec-WebSocket-Key": SAMPLE_KEY } }],
    ["a header value with CR LF", { headers: { "X-A": "1\r\nX-B: 2" } }],
    ["a subprotocol that is not a token", { protocols: ["a b"] }],
    ["a repeated subprotocol", { protocols: ["a", "a"] }],
    ["a path that does not start with /", { path: "chat" }],
    ["a path with a space", { path: "/a b" }],
  ])("refuses %s with a TypeError", (_, options) => {
    expect(() => handshake(options as never)).toThrow(TypeError);
  });
});

describe("validateUpgradeResponse", () => {
  it("accepts our own server's 101 and reports what it agreed", () => {
    const client = createClientHandshake({ host: "h", path: "/", protocols: ["a", "b"] });
    const request = validateUpgradeRequest(parseRequestHead(latin1Text(client.request).slice(0, -4)));
    const server = acceptUpgrade(request, { protocols: ["b"], deflate: { serverNoContextTakeover: true } });
    const result = validateUpgradeResponse(parseResponseHead(latin1Text(server.response).slice(0, -4)), client);
    expect(result.protocol).toBe("b");
    expect(result.extensions).toBe(server.extensions);
    expect(result.deflate).toEqual(server.deflate);
  });

  it("accepts a minimal valid 101 without subprotocol or extensions", () => {
    expect(validateUpgradeResponse(response(GOOD), handshake())).toMatchObject({
      protocol: "",
      extensions: "",
      deflate: null,
    });
  });

  it("accepts no subprotocol even when some were offered (RFC 6455 §4.1 only forbids unoffered ones)", () => {
    expect(validateUpgradeResponse(response(GOOD), handshake({ protocols: ["a"] })).protocol).toBe("");
  });

  it("fails a refusal with its status, quoting the start of the body", () => {
    const error = failure(() =>
      validateUpgradeResponse(response({}, "HTTP/1.1 403 Forbidden"), handshake(), latin1Bytes("origin not allowed\n")),
    );
    expect(error.status).toBe(403);
    expect(error.message).toContain("403 Forbidden: origin not allowed");
  });

  it.each<[string, Record<string, string>, Partial<Parameters<typeof createClientHandshake>[0]>]>([
    ["a missing Upgrade", { ...GOOD, Upgrade: "" }, {}],
    ["a Connection without upgrade", { ...GOOD, Connection: "close" }, {}],
    ["a wrong accept value", { ...GOOD, "Sec-WebSocket-Accept": "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" }, {}],
    ["a subprotocol that was not offered", { ...GOOD, "Sec-WebSocket-Protocol": "c" }, { protocols: ["a"] }],
    ["a subprotocol when none was offered", { ...GOOD, "Sec-WebSocket-Protocol": "a" }, {}],
    ["an extension that was not offered", { ...GOOD, "Sec-WebSocket-Extensions": "x-foo" }, {}],
    [
      "permessage-deflate when it was not offered",
      { ...GOOD, "Sec-WebSocket-Extensions": "permessage-deflate" },
      { deflate: false },
    ],
    ["permessage-deflate twice", { ...GOOD, "Sec-WebSocket-Extensions": "permessage-deflate, permessage-deflate" }, {}],
    [
      "a deflate parameter the offer did not allow",
      { ...GOOD, "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits=12" },
      { deflate: { clientMaxWindowBits: 10 } },
    ],
    ["a malformed extensions header", { ...GOOD, "Sec-WebSocket-Extensions": "permessage-deflate;" }, {}],
  ])("fails on %s with status 101", (_, fields, options) => {
    expect(failure(() => validateUpgradeResponse(response(fields), handshake(options))).status).toBe(101);
  });

  it("fails a 101 that is not HTTP/1.1", () => {
    expect(
      failure(() => validateUpgradeResponse(response(GOOD, "HTTP/1.0 101 Switching Protocols"), handshake())).status,
    ).toBe(101);
  });
});
