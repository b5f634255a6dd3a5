// The RFC 8441 handshake, sans-I/O: what makes an HTTP/2 request a WebSocket CONNECT (and the status each
// problem is refused with), the 200's fields from the same negotiation as the 101, and the client's request and
// checks of the answer.
import { describe, expect, it } from "vitest";
import {
  acceptConnect,
  type ConnectRequestHead,
  createConnectRequest,
  validateConnectRequest,
  validateConnectResponse,
} from "../../src/handshake/extended-connect.ts";
import { HttpHeaders } from "../../src/handshake/http-headers.ts";

function head(overrides: Partial<ConnectRequestHead> = {}, fields: string[] = []): ConnectRequestHead {
  return {
    method: "CONNECT",
    protocol: "websocket",
    path: "/chat?room=1",
    authority: "example.com",
    headers: HttpHeaders.fromPairs(["sec-websocket-version", "13", ...fields]),
    ...overrides,
  };
}

describe("validateConnectRequest", () => {
  it("reads a valid extended CONNECT: path, authority, origin and offers, with no key", () => {
    const request = validateConnectRequest(
      head({}, [
        "origin",
        "https://example.com",
        "sec-websocket-protocol",
        "chat.v1, chat.v2",
        "sec-websocket-extensions",
        "permessage-deflate; client_max_window_bits",
      ]),
    );
    expect(request).toMatchObject({
      method: "CONNECT",
      url: "/chat?room=1",
      host: "example.com",
      origin: "https://example.com",
      key: "",
      protocols: ["chat.v1", "chat.v2"],
    });
    expect(request.extensions[0].name).toBe("permessage-deflate");
  });

  it.each([
    ["a GET", { method: "GET" }, [], 405, /must be a CONNECT request, got GET/],
    ["no :protocol (a plain CONNECT tunnel)", { protocol: undefined }, [], 400, /:protocol .* got none/],
    ["another :protocol", { protocol: "webtransport" }, [], 400, /must be websocket, got webtransport/],
    ["no :path", { path: undefined }, [], 400, /:path/],
    ["no :authority", { authority: undefined }, [], 400, /:authority/],
    ["two origins", {}, ["origin", "a", "origin", "b"], 400, /origin header appears 2 times/],
    ["a bad subprotocol list", {}, ["sec-websocket-protocol", "a, a"], 400, /distinct tokens/],
    ["a malformed extension offer", {}, ["sec-websocket-extensions", "permessage-deflate;;"], 400, /./],
  ] as const)("refuses %s", (_name, overrides, fields, status, message) => {
    expect(() => validateConnectRequest(head(overrides, [...fields]))).toThrow(message);
    expect(() => validateConnectRequest(head(overrides, [...fields]))).toThrow(
      expect.objectContaining({ code: "HANDSHAKE_FAILED", status }),
    );
  });

  it("refuses a version other than 13, and a missing one, with 400", () => {
    const noVersion = { ...head(), headers: HttpHeaders.fromPairs([]) };
    expect(() => validateConnectRequest(noVersion)).toThrow(/Sec-WebSocket-Version must be 13, got none/);
    const eight = { ...head(), headers: HttpHeaders.fromPairs(["sec-websocket-version", "8"]) };
    expect(() => validateConnectRequest(eight)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe("acceptConnect", () => {
  it("answers with the subprotocol and deflate parameters the HTTP/1.1 handshake would pick, as lower-case fields", () => {
    const request = validateConnectRequest(
      head({}, ["sec-websocket-protocol", "chat.v1, chat.v2", "sec-websocket-extensions", "permessage-deflate"]),
    );
    const answer = acceptConnect(request, {
      protocols: ["chat.v2"],
      deflate: true,
      headers: { "Set-Cookie": "a=1", Connection: "keep-alive" },
    });
    expect(answer.protocol).toBe("chat.v2");
    expect(answer.deflate).not.toBeNull();
    expect(answer.headers).toEqual([
      ["sec-websocket-protocol", "chat.v2"],
      ["sec-websocket-extensions", "permessage-deflate"],
      ["set-cookie", "a=1"], // Connection is HTTP/1.1-only and dropped (RFC 9113 §8.2.2)
    ]);
  });

  it("answers with no fields when nothing was offered", () => {
    expect(acceptConnect(validateConnectRequest(head()), { protocols: ["x"], deflate: true }).headers).toEqual([]);
  });
});

describe("createConnectRequest / validateConnectResponse", () => {
  it("builds the pseudo-header fields, the version, the offers and user fields (Host becomes :authority)", () => {
    const request = createConnectRequest({
      authority: "example.com:8443",
      path: "/feed",
      scheme: "https",
      protocols: ["a", "b"],
      headers: { Origin: "https://example.com", Host: "other.example", Upgrade: "websocket" },
    });
    expect(request.headers).toEqual({
      ":method": "CONNECT",
      ":protocol": "websocket",
      ":scheme": "https",
      ":path": "/feed",
      ":authority": "other.example",
      "sec-websocket-version": "13",
      "sec-websocket-protocol": "a, b",
      "sec-websocket-extensions": "permessage-deflate; client_max_window_bits",
      origin: "https://example.com",
    });
  });

  it.each([
    ["a repeated subprotocol", { protocols: ["a", "a"] }, /listed twice/],
    ["a path without a slash", { path: "feed" }, /must start with "\/"/],
    ["a handshake field", { headers: { "Sec-WebSocket-Version": "8" } }, /set by the handshake/],
    ["CR/LF in a field", { headers: { Origin: "a\r\nb" } }, /control character/],
  ] as const)("refuses %s", (_name, overrides, message) => {
    expect(() => createConnectRequest({ authority: "example.com", path: "/", scheme: "https", ...overrides })).toThrow(
      message,
    );
  });

  it("accepts a 200 agreeing to what was offered, and refuses other statuses and unoffered answers", () => {
    const request = createConnectRequest({ authority: "h", path: "/", scheme: "https", protocols: ["a"] });
    const fields = (pairs: string[]) => HttpHeaders.fromPairs(pairs);
    const result = validateConnectResponse(
      200,
      fields(["sec-websocket-protocol", "a", "sec-websocket-extensions", "permessage-deflate"]),
      request,
    );
    expect(result.protocol).toBe("a");
    expect(result.deflate).not.toBeNull();
    expect(() => validateConnectResponse(403, fields([]), request)).toThrow(
      expect.objectContaining({ code: "HANDSHAKE_FAILED", status: 403 }),
    );
    expect(() => validateConnectResponse(200, fields(["sec-websocket-protocol", "z"]), request)).toThrow(
      /subprotocol "z", which was not offered/,
    );
    const noDeflate = createConnectRequest({ authority: "h", path: "/", scheme: "https", deflate: false });
    expect(() =>
      validateConnectResponse(200, fields(["sec-websocket-extensions", "permessage-deflate"]), noDeflate),
    ).toThrow(/not offered/);
  });
});
