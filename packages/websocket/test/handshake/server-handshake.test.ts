// The server's half of the opening handshake: request validation statuses, subprotocol choice, the 101.
import { FramedError } from "@framed/core";
import { describe, expect, it } from "vitest";
import { parseRequestHead, parseResponseHead } from "../../src/handshake/http-head.ts";
import { refusal } from "../../src/handshake/http-response.ts";
import { acceptUpgrade, validateUpgradeRequest } from "../../src/handshake/server-handshake.ts";
import { type FieldOverrides, latin1Text, requestText, SAMPLE_ACCEPT, SAMPLE_KEY } from "./requests.ts";

function validate(overrides: FieldOverrides = {}, startLine?: string) {
  return validateUpgradeRequest(parseRequestHead(requestText(overrides, startLine)));
}

function refusedWith(overrides: FieldOverrides, startLine?: string): FramedError {
  try {
    validate(overrides, startLine);
  } catch (error) {
    expect(error).toBeInstanceOf(FramedError);
    expect((error as FramedError).code).toBe("HANDSHAKE_FAILED");
    return error as FramedError;
  }
  throw new Error("expected the request to be refused");
}

describe("validateUpgradeRequest", () => {
  it("reads the handshake fields of the RFC 6455 §1.2 example request", () => {
    const request = validate({
      Origin: "http://example.com",
      "Sec-WebSocket-Protocol": "chat, superchat",
      "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
    });
    expect(request).toMatchObject({
      method: "GET",
      url: "/chat",
      host: "server.example.com",
      origin: "http://example.com",
      key: SAMPLE_KEY,
      protocols: ["chat", "superchat"],
      extensions: [{ name: "permessage-deflate", params: [{ name: "client_max_window_bits", value: true }] }],
    });
  });

  it("finds a token among empty list elements and spaces or tabs, and never by prefix", () => {
    expect(() => validate({ Connection: " , ,\tUpgrade\t," })).not.toThrow();
    expect(refusedWith({ Connection: "upgrades, upgrade-insecure" }).status).toBe(400);
    expect(refusedWith({ Upgrade: "websocket2, web socket" }).status).toBe(400);
  });

  it("matches Upgrade and Connection tokens case-insensitively inside comma lists", () => {
    expect(() => validate({ Upgrade: "WebSocket", Connection: "keep-alive, UPGRADE" })).not.toThrow();
    expect(() => validate({ Upgrade: "h2c, websocket", Connection: "Upgrade,keep-alive" })).not.toThrow();
  });

  it("refuses a method other than GET with 405", () => {
    expect(refusedWith({}, "POST /chat HTTP/1.1").status).toBe(405);
  });

  it("refuses HTTP/1.0 with 505", () => {
    expect(refusedWith({}, "GET /chat HTTP/1.0").status).toBe(505);
  });

  it.each<[string, FieldOverrides]>([
    ["a missing Host", { Host: null }],
    ["an empty Host", { Host: "" }],
    ["two Host fields", { host: "a.example", HOST: "b.example" }],
    ["an Upgrade that does not name websocket", { Upgrade: "h2c" }],
    ["an Upgrade of websocketx", { Upgrade: "websocketx" }],
    ["a missing Connection", { Connection: null }],
    ["a Connection without upgrade", { Connection: "keep-alive" }],
    ["a missing key", { "Sec-WebSocket-Key": null }],
    ["a key of 15 bytes", { "Sec-WebSocket-Key": Buffer.alloc(15).toString("base64") }],
    ["a key of 17 bytes", { "Sec-WebSocket-Key": Buffer.alloc(17).toString("base64") }],
    ["a key that is not base64", { "Sec-WebSocket-Key": "not base64 at all!!!!!==" }],
    ["two keys", { "Sec-WebSocket-Key": SAMPLE_KEY, "sec-websocket-key": SAMPLE_KEY }],
    ["a subprotocol that is not a token", { "Sec-WebSocket-Protocol": "chat, super chat" }],
    ["a repeated subprotocol", { "Sec-WebSocket-Protocol": "chat, chat" }],
    ["a malformed extensions header", { "Sec-WebSocket-Extensions": "permessage-deflate; =3" }],
  ])("refuses %s with 400", (_, overrides) => {
    expect(refusedWith(overrides).status).toBe(400);
  });

  it.each<[string, FieldOverrides, string]>([
    ["Content-Length: 5", { "Content-Length": "5" }, "Content-Length: 5"],
    ["Transfer-Encoding: chunked", { "Transfer-Encoding": "chunked" }, "Transfer-Encoding: chunked"],
    ["Transfer-Encoding: identity", { "Transfer-Encoding": "identity" }, "Transfer-Encoding: identity"],
    ["two Content-Length fields of 0", { "Content-Length": "0", "content-length": "0" }, "(2 times)"],
    ["a Content-Length that is not a number", { "Content-Length": "zero" }, "Content-Length: zero"],
  ])(
    "refuses a request announcing a body (%s) with 400, naming the field (request smuggling)",
    (_, overrides, named) => {
      const error = refusedWith(overrides);
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/must not have a body/);
      expect(error.message).toContain(named);
    },
  );

  it("accepts Content-Length: 0, which announces no body", () => {
    expect(validate({ "Content-Length": "0" }).key).toBe(SAMPLE_KEY);
  });

  it("answers a request without Upgrade with 426", () => {
    expect(refusedWith({ Upgrade: null }).status).toBe(426);
  });

  it.each([["8"], ["12"], ["13, 8"], [null]])("refuses Sec-WebSocket-Version %s with 426", (version) => {
    expect(refusedWith({ "Sec-WebSocket-Version": version }).status).toBe(426);
  });
});

describe("acceptUpgrade", () => {
  it("answers with 101, the accept value and the fixed fields", () => {
    const answer = acceptUpgrade(validate());
    const head = parseResponseHead(latin1Text(answer.response).replace(/\r\n\r\n$/, ""));
    expect(head.status).toBe(101);
    expect(head.headers.get("upgrade")).toBe("websocket");
    expect(head.headers.get("connection")).toBe("Upgrade");
    expect(head.headers.get("sec-websocket-accept")).toBe(SAMPLE_ACCEPT);
    expect(head.headers.has("sec-websocket-protocol")).toBe(false);
    expect(head.headers.has("sec-websocket-extensions")).toBe(false);
    expect(answer).toMatchObject({ protocol: "", extensions: "", deflate: null });
  });

  it("picks the first of the server's subprotocols that the client offered", () => {
    const request = validate({ "Sec-WebSocket-Protocol": "chat, superchat" });
    expect(acceptUpgrade(request, { protocols: ["superchat", "chat"] }).protocol).toBe("superchat");
    expect(acceptUpgrade(request, { protocols: ["other"] }).protocol).toBe("");
    const answer = acceptUpgrade(request, { protocols: ["chat"] });
    expect(latin1Text(answer.response)).toContain("\r\nSec-WebSocket-Protocol: chat\r\n");
  });

  it("lets a selector function pick, and refuses a pick the client did not offer", () => {
    const request = validate({ "Sec-WebSocket-Protocol": "a, b" });
    expect(acceptUpgrade(request, { protocols: (offered) => offered[1] }).protocol).toBe("b");
    expect(acceptUpgrade(request, { protocols: () => undefined }).protocol).toBe("");
    expect(() => acceptUpgrade(request, { protocols: () => "c" })).toThrow(TypeError);
  });

  it("negotiates permessage-deflate only when enabled", () => {
    const request = validate({ "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits" });
    expect(acceptUpgrade(request).deflate).toBeNull();
    const answer = acceptUpgrade(request, { deflate: { serverNoContextTakeover: true } });
    expect(answer.extensions).toBe("permessage-deflate; server_no_context_takeover");
    expect(answer.deflate).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    expect(latin1Text(answer.response)).toContain(
      "\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n",
    );
  });

  it("adds extra response headers but refuses ones with CR or LF", () => {
    expect(latin1Text(acceptUpgrade(validate(), { headers: { "Set-Cookie": "a=1" } }).response)).toContain(
      "Set-Cookie: a=1",
    );
    expect(() => acceptUpgrade(validate(), { headers: { "Set-Cookie": "a=1\r\nX: y" } })).toThrow(TypeError);
  });
});

describe("refusal", () => {
  it("writes the status, a plain-text body with its length, and closes the connection", () => {
    const text = latin1Text(refusal(403, "origin not allowed"));
    expect(text.startsWith("HTTP/1.1 403 Forbidden\r\n")).toBe(true);
    expect(text).toContain("Connection: close\r\n");
    expect(text).toContain("Content-Length: 19\r\n");
    expect(text.endsWith("\r\n\r\norigin not allowed\n")).toBe(true);
  });

  it("names version 13 on a 426 and GET on a 405", () => {
    expect(latin1Text(refusal(426, "x"))).toContain("Sec-WebSocket-Version: 13\r\n");
    expect(latin1Text(refusal(405, "x"))).toContain("Allow: GET\r\n");
  });
});
