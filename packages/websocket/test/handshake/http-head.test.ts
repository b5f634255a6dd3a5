// The incremental HTTP head reader and the request/response head parsers.
import { FramedError } from "@framed/core";
import { describe, expect, it } from "vitest";
import { HttpHeadReader, parseRequestHead, parseResponseHead } from "../../src/handshake/http-head.ts";
import { latin1Bytes, requestBytes, requestText } from "./requests.ts";

function statusOf(action: () => unknown): number | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(FramedError);
    expect((error as FramedError).code).toBe("HANDSHAKE_FAILED");
    return (error as FramedError).status;
  }
  throw new Error("expected a FramedError");
}

describe("HttpHeadReader", () => {
  it("returns nothing until the blank line, then the head text and the bytes after it, at every split point", () => {
    const frames = new Uint8Array([0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const bytes = requestBytes({}, frames);
    for (let split = 0; split <= bytes.length; split++) {
      const reader = new HttpHeadReader("request");
      const first = reader.push(bytes.subarray(0, split));
      const result = first ?? reader.push(bytes.subarray(split));
      expect(result, `split at ${split}`).toBeDefined();
      if (first) expect(split).toBeGreaterThanOrEqual(bytes.length - frames.length);
      expect(result?.text).toBe(requestText());
      const rest = first ? new Uint8Array([...first.rest, ...bytes.subarray(split)]) : result?.rest;
      expect(rest).toEqual(frames);
    }
  });

  it("finds the end of the head when it arrives one byte at a time", () => {
    const bytes = requestBytes();
    const reader = new HttpHeadReader("request");
    for (let i = 0; i < bytes.length - 1; i++) expect(reader.push(bytes.subarray(i, i + 1))).toBeUndefined();
    expect(reader.push(bytes.subarray(bytes.length - 1))?.rest).toHaveLength(0);
  });

  it("refuses a request head larger than maxSize with 431 before the blank line arrives", () => {
    const reader = new HttpHeadReader("request", 1024);
    const filler = latin1Bytes(`GET / HTTP/1.1\r\nX-Filler: ${"a".repeat(600)}\r\n`);
    expect(reader.push(filler)).toBeUndefined();
    expect(statusOf(() => reader.push(filler))).toBe(431);
  });

  it("accepts a head of exactly maxSize bytes and refuses one byte more", () => {
    const bytes = requestBytes();
    expect(new HttpHeadReader("request", bytes.length).push(bytes)).toBeDefined();
    expect(statusOf(() => new HttpHeadReader("request", bytes.length - 1).push(bytes))).toBe(431);
  });

  it("a first line that is not a request line fails at once with 400, quoting it, without waiting for the blank line", () => {
    const reader = new HttpHeadReader("request");
    expect(() => reader.push(latin1Bytes("hello\n"))).toThrow(
      expect.objectContaining({
        code: "HANDSHAKE_FAILED",
        status: 400,
        message: 'the peer did not send an HTTP request: the first line is "hello"',
      }),
    );
  });

  it("a control byte before the first line ends (a length-prefix peer) fails at once with 400", () => {
    const reader = new HttpHeadReader("request");
    expect(() => reader.push(Uint8Array.of(0, 0, 0, 5, 0x68))).toThrow(
      expect.objectContaining({
        status: 400,
        message: "the peer did not send an HTTP request: byte 0x00 at offset 0 cannot begin one",
      }),
    );
  });

  it("a request line arriving byte by byte is accepted as it grows", () => {
    const reader = new HttpHeadReader("request");
    for (const byte of latin1Bytes("GET /chat HTTP/1.1\r\nHost: a\r\n"))
      expect(reader.push(Uint8Array.of(byte))).toBeUndefined();
  });

  it("a response whose first line is not a status line fails at once (an echo server sent our request back)", () => {
    const reader = new HttpHeadReader("response");
    expect(() => reader.push(latin1Bytes("GET / HTTP/1.1\r\n"))).toThrow(
      expect.objectContaining({
        code: "HANDSHAKE_FAILED",
        status: undefined,
        message: expect.stringContaining("did not send an HTTP response"),
      }),
    );
  });

  it("fails an oversized response head without an HTTP status", () => {
    const reader = new HttpHeadReader("response", 64);
    expect(statusOf(() => reader.push(new Uint8Array(100).fill(0x41)))).toBeUndefined();
  });

  it("reads bytes 0x80-0xff of a head one character each (Latin-1), in one read or across two", () => {
    const bytes = requestBytes({ "X-Name": "caf\u00e9 \u0080\u00ff" });
    const whole = new HttpHeadReader("request").push(bytes);
    expect(whole?.text).toBe(requestText({ "X-Name": "caf\u00e9 \u0080\u00ff" }));
    const reader = new HttpHeadReader("request");
    expect(reader.push(bytes.subarray(0, 20))).toBeUndefined();
    expect(reader.push(bytes.subarray(20))?.text).toBe(whole?.text);
  });

  it("does not treat bare line feeds as the end of the head", () => {
    const reader = new HttpHeadReader("request", 256);
    expect(reader.push(latin1Bytes("GET / HTTP/1.1\n\n\n\n"))).toBeUndefined();
  });
});

describe("parseRequestHead", () => {
  it("trims only spaces and tabs around a field value", () => {
    const head = parseRequestHead("GET / HTTP/1.1\r\nA: \t x y \t\r\nB:\r\nC:   ");
    expect([...head.headers]).toEqual([
      ["A", "x y"],
      ["B", ""],
      ["C", ""],
    ]);
  });

  it("reads the request line and the header fields, keeping repeated fields", () => {
    const head = parseRequestHead(`${requestText()}\r\nX-Seen: a\r\nx-seen:b  `);
    expect(head).toMatchObject({ method: "GET", target: "/chat", version: "1.1" });
    expect(head.headers.get("HOST")).toBe("server.example.com");
    expect(head.headers.getAll("x-seen")).toEqual(["a", "b"]);
    expect(head.headers.get("x-seen")).toBe("a, b");
  });

  it.each([
    ["a request line without a version", "GET /chat"],
    ["two spaces in the request line", "GET  /chat HTTP/1.1"],
    ["a space inside the target", "GET /ch at HTTP/1.1"],
    ["a lower-case protocol name", "GET /chat http/1.1"],
    ["a method that is not a token", "G(T /chat HTTP/1.1"],
    ["an empty request line", ""],
  ])("refuses %s with 400", (_, line) => {
    expect(statusOf(() => parseRequestHead(requestText({}, line)))).toBe(400);
  });

  it.each([
    ["a line without a colon", "NoColonHere"],
    ["whitespace before the colon", "Host : example.com"],
    ["an obsolete folded line", " continued"],
    ["a control character in a value", "X-Bad: a\x01b"],
    ["a bare carriage return in a value", "X-Bad: a\rb"],
    ["an empty field name", ": value"],
  ])("refuses %s with 400", (_, line) => {
    expect(statusOf(() => parseRequestHead(`${requestText()}\r\n${line}`))).toBe(400);
  });
});

describe("parseResponseHead", () => {
  it("reads the status line with or without a reason phrase", () => {
    expect(parseResponseHead("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket")).toMatchObject({
      version: "1.1",
      status: 101,
      reason: "Switching Protocols",
    });
    expect(parseResponseHead("HTTP/1.1 403").reason).toBe("");
  });

  it("fails a malformed status line, and a malformed field with the response's status", () => {
    expect(statusOf(() => parseResponseHead("ICY 200 OK"))).toBeUndefined();
    expect(statusOf(() => parseResponseHead("HTTP/1.1 101 Switching\r\nBroken"))).toBe(101);
  });
});
