// @framed/core in real Chromium: MessageStream semantics and the WHATWG transports.
import { describe, expect, inject, it } from "vitest";
import { fromResponse, fromStreams, fromWebSocket } from "../src/browser.ts";
import { FramedError } from "../src/errors.ts";
import { roundTrip } from "./fixtures/round-trip.ts";
import { streamSemantics } from "./fixtures/stream-semantics.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

declare module "vitest" {
  export interface ProvidedContext {
    coreHttpPort: number;
  }
}

const base = () => `127.0.0.1:${inject("coreHttpPort")}`;

describe("MessageStream semantics (Chromium)", () => {
  for (const semanticsCase of streamSemantics) it(semanticsCase.name, semanticsCase.run);
});

describe("WHATWG transports (Chromium)", () => {
  it("fromResponse decodes a fetch body that arrives in arbitrary chunks", async () => {
    const stream = fromResponse(await fetch(`http://${base()}/tiny`), tinyFraming());
    const received: string[] = [];
    for await (const m of stream) received.push(m);
    expect(received).toEqual(["alpha", "", "β-γ", "x".repeat(200)]);
    expect((await stream.closed).initiator).toBe("remote");
  });

  it("fromResponse is read-only: send rejects with CLOSED", async () => {
    const stream = fromResponse(await fetch(`http://${base()}/tiny`), tinyFraming());
    await expect(stream.send("nope")).rejects.toMatchObject({ code: "CLOSED" });
    stream.abort();
  });

  it("a fetch body cut inside a message delivers what came before, then TRUNCATED", async () => {
    const stream = fromResponse(await fetch(`http://${base()}/truncated`), tinyFraming());
    const received: string[] = [];
    let failure: unknown;
    try {
      for await (const m of stream) received.push(m);
    } catch (error) {
      failure = error;
    }
    expect(received).toEqual(["hi"]);
    expect(failure).toBeInstanceOf(FramedError);
    expect((failure as FramedError).code).toBe("TRUNCATED");
  });

  it("fromResponse refuses an HTTP error status with CONNECT_FAILED and the status", async () => {
    const response = await fetch(`http://${base()}/missing`);
    expect(() => fromResponse(response, tinyFraming())).toThrow(
      expect.objectContaining({ code: "CONNECT_FAILED", status: 404 }),
    );
  });

  it("fromWebSocket frames messages over a WebSocket byte pipe, both ways", async () => {
    const stream = await fromWebSocket(new WebSocket(`ws://${base()}/pipe`), tinyFraming());
    const sent = Array.from({ length: 50 }, (_, i) => `pipe-${i}`);
    expect(await roundTrip(stream, sent)).toEqual(sent);
  });

  it("fromWebSocket rejects with CONNECT_FAILED when the socket cannot open", async () => {
    await expect(fromWebSocket(new WebSocket(`ws://${base()}/no-such-path`), tinyFraming())).rejects.toMatchObject({
      code: "CONNECT_FAILED",
    });
  });

  it("fromStreams frames a WHATWG byte stream pair", async () => {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const stream = fromStreams({ readable, writable }, tinyFraming());
    await stream.send("loop");
    await stream.send("back");
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("loop");
    expect((await iterator.next()).value).toBe("back");
    stream.abort();
  });
});
