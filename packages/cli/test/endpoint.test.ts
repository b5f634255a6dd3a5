// Addresses as users type them, and the one-line reasons errors become (pure: no sockets).
import { FramedError } from "@framed/core";
import { describe, expect, it } from "vitest";
import { describeEndpoint, parseEndpoint, parseListenEndpoint } from "../src/endpoint.ts";
import { EXIT } from "../src/exit-codes.ts";
import { closeFailure, describeFailure } from "../src/failure.ts";

describe("parseEndpoint", () => {
  it("reads WebSocket URLs with their path and query, and the default ports of ws and wss", () => {
    expect(parseEndpoint("ws://example.com/chat?room=1")).toMatchObject({
      framing: "websocket",
      host: "example.com",
      port: 80,
      path: "/chat?room=1",
      url: "ws://example.com/chat?room=1",
    });
    expect(parseEndpoint("wss://[::1]/")).toMatchObject({ host: "::1", port: 443, secure: true });
  });

  it("reads bare addresses (host:port, [v6]:port, :port, port) as newline unless --framing says otherwise", () => {
    expect(parseEndpoint("10.0.0.2:9000")).toMatchObject({ framing: "newline", host: "10.0.0.2", port: 9000 });
    expect(parseEndpoint("[::1]:9000")).toMatchObject({ host: "::1", port: 9000 });
    expect(parseEndpoint(":9000")).toMatchObject({ host: "127.0.0.1", port: 9000 });
    const ws = parseEndpoint("9000", { framing: "websocket" });
    expect(ws).toMatchObject({ framing: "websocket", host: "127.0.0.1", port: 9000, url: "ws://127.0.0.1:9000/" });
    expect(describeEndpoint(parseEndpoint("lp://[::1]:7"))).toBe("length-prefix [::1]:7");
  });

  it("takes the framing from a scheme, lets tcp:// take --framing, and refuses contradictions and bad ports", () => {
    expect(parseEndpoint("ndjson://h:1").framing).toBe("ndjson");
    expect(parseEndpoint("tcp://h:1", { framing: "length-prefix" }).framing).toBe("length-prefix");
    expect(() => parseEndpoint("ws://h:1", { framing: "newline" })).toThrow(/--framing newline contradicts/);
    expect(() => parseEndpoint("h:99999")).toThrow(/no valid port/);
    expect(() => parseEndpoint("http://h:1")).toThrow(/unknown scheme "http:\/\/"/);
    expect(() => parseEndpoint("lp://h")).toThrow(/needs a port/);
    expect(() => parseListenEndpoint("wss://h:1")).toThrow(/framed listens without TLS/);
  });
});

describe("describeFailure", () => {
  it("maps each error code to its exit code and keeps the reason on one line", () => {
    const cases: Array<[FramedError, number]> = [
      [new FramedError("CONNECT_FAILED", "could not connect"), EXIT.CONNECT_FAILED],
      [new FramedError("HANDSHAKE_FAILED", "refused", { status: 404 }), EXIT.HANDSHAKE_FAILED],
      [new FramedError("TIMEOUT", "no reply\nat all"), EXIT.TIMEOUT],
      [new FramedError("INVALID_FRAME", "bad frame"), EXIT.BAD_INPUT],
      [new FramedError("CONNECTION_RESET", "reset"), EXIT.FAILED],
    ];
    for (const [error, exitCode] of cases) {
      const failure = describeFailure(error);
      expect(failure.exitCode).toBe(exitCode);
      expect(failure.reason).not.toContain("\n");
    }
    expect(describeFailure(new FramedError("HANDSHAKE_FAILED", "refused", { status: 404 })).reason).toContain(
      "check the URL's path",
    );
  });

  it("treats WebSocket 1000, 1001 and no code as a clean close, any other code as exit 7", () => {
    for (const code of [1000, 1001, 1005, undefined])
      expect(closeFailure({ initiator: "remote", code })).toBeUndefined();
    expect(closeFailure({ initiator: "remote", code: 4001, reason: "auth" })).toEqual({
      exitCode: EXIT.PEER_ERROR_CLOSE,
      reason: "peer closed with code 4001 (auth)",
    });
  });
});

describe("--header", () => {
  it("accepts exactly the header kinds @framed/length-prefix has (kept apart so --help loads no framing)", async () => {
    const { HEADER_KINDS } = await import("@framed/length-prefix");
    const { LENGTH_HEADERS } = await import("../src/options.ts");
    expect([...LENGTH_HEADERS]).toEqual([...HEADER_KINDS]);
  });
});
