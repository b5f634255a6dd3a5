// @framed/newline/browser in real Chromium: an NDJSON fetch stream, text lines, bad JSON, a WebSocket pipe.
import { describe, expect, inject, it } from "vitest";
import { fromResponse, fromWebSocket, jsonLines } from "../src/browser.ts";
import { NDJSON_EVENTS } from "./fixtures/ndjson-events.ts";

declare module "vitest" {
  export interface ProvidedContext {
    newlineHttpPort: number;
  }
}

const origin = () => `127.0.0.1:${inject("newlineHttpPort")}`;

describe("newline in Chromium", () => {
  it("jsonLines.fromResponse reads an NDJSON fetch stream written 5 bytes at a time (BOM, CRLF)", async () => {
    const stream = jsonLines.fromResponse(await fetch(`http://${origin()}/events.ndjson`));
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual(NDJSON_EVENTS);
    expect((await stream.closed).initiator).toBe("remote");
  });

  it("a bad NDJSON line fails the stream with INVALID_JSON and its line number, after the good lines", async () => {
    const stream = jsonLines.fromResponse(await fetch(`http://${origin()}/bad.ndjson`));
    const events: unknown[] = [];
    let failure: unknown;
    try {
      for await (const event of stream) events.push(event);
    } catch (error) {
      failure = error;
    }
    expect(events).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(failure).toMatchObject({ code: "INVALID_JSON", messageNumber: 3 });
  });

  it("invalidJson: skip reports the bad line through onWarning and reads on", async () => {
    const stream = jsonLines.fromResponse(await fetch(`http://${origin()}/bad.ndjson`), { invalidJson: "skip" });
    const warnings: number[] = [];
    stream.onWarning((warning) => warnings.push(warning.messageNumber ?? -1));
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    expect(events).toEqual([{ ok: 1 }, { ok: 2 }, { ok: 3 }]);
    expect(warnings).toEqual([3]);
  });

  it("fromResponse reads text lines: CRLF, empty lines, UTF-8 split across chunks, a last line without newline", async () => {
    const lines: string[] = [];
    for await (const line of fromResponse(await fetch(`http://${origin()}/log.txt`))) lines.push(line);
    expect(lines).toEqual(["first", "", "third ✓", "last without newline"]);
  });

  it("fromWebSocket carries lines over a WebSocket used as a byte pipe", async () => {
    const stream = await fromWebSocket(new WebSocket(`ws://${origin()}/pipe`));
    const sent = ["one", "", "dós ✓", "x".repeat(10_000)];
    for (const line of sent) await stream.send(line);
    const received: string[] = [];
    for await (const line of stream) {
      received.push(line);
      if (received.length === sent.length) break;
    }
    expect(received).toEqual(sent);
  });
});
