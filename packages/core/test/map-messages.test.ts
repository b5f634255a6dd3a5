// mapMessages / asText / asJson: typed views of a MessageStream.
import { describe, expect, it } from "vitest";
import { FramedError } from "../src/errors.ts";
import { asJson, asText, mapMessages } from "../src/map-messages.ts";
import type { MessageStream } from "../src/message-stream.ts";
import { streamPair } from "../src/testing/stream-pair.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

describe("message views", () => {
  it("mapMessages converts both ways and shares close and closed", async () => {
    const { client, server } = streamPair(tinyFraming());
    const numbers = mapMessages<string, number>(client, { decode: Number, encode: String });
    await numbers.send(42);
    const serverMessages = server[Symbol.asyncIterator]();
    const received = await serverMessages.next();
    expect(received.value).toBe("42");
    await server.send("7");
    expect((await numbers[Symbol.asyncIterator]().next()).value).toBe(7);
    const closing = numbers.close();
    // The server reads to the end, so the close completes at once instead of after closeTimeout.
    expect((await serverMessages.next()).done).toBe(true);
    await closing;
    expect((await client.closed).initiator).toBe("local");
  });

  it("asJson round-trips values and reports a non-JSON message as INVALID_JSON with its number", async () => {
    const { client, server } = streamPair(tinyFraming());
    const json = asJson<{ n: number }>(server);
    await client.send(JSON.stringify({ n: 1 }));
    await client.send("not json");
    const iterator = json[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ n: 1 });
    const failure = await iterator.next().catch((error) => error);
    expect(failure).toBeInstanceOf(FramedError);
    expect(failure).toMatchObject({ code: "INVALID_JSON", messageNumber: 2 });
    client.abort();
  });

  it("consume on a JSON view hands over values, and a non-JSON message closes the stream and rejects with INVALID_JSON", async () => {
    const { client, server } = streamPair(tinyFraming());
    const json = asJson<{ n: number }>(server);
    const values: Array<{ n: number }> = [];
    const done = json.consume((value) => {
      values.push(value);
    });
    await client.send(JSON.stringify({ n: 1 }));
    await client.send("not json");
    const failure = await done.catch((error) => error);
    expect(values).toEqual([{ n: 1 }]);
    expect(failure).toMatchObject({ code: "INVALID_JSON", messageNumber: 2 });
    expect((await server.closed).initiator).toBe("local");
  });

  it("asText decodes byte messages as strict UTF-8 and fails invalid bytes with INVALID_UTF8", async () => {
    const messages = [new TextEncoder().encode("héllo"), Uint8Array.of(0xff, 0xfe)];
    const fake = {
      framing: "fake",
      async *[Symbol.asyncIterator]() {
        yield* messages;
      },
    } as unknown as MessageStream<Uint8Array>;
    const iterator = asText(fake)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("héllo");
    await expect(iterator.next()).rejects.toMatchObject({ code: "INVALID_UTF8" });
  });
});

describe("package entry", () => {
  it("@framed/core exports the message views", async () => {
    const core = await import("@framed/core");
    expect(typeof core.asJson).toBe("function");
    expect(typeof core.asText).toBe("function");
    expect(typeof core.mapMessages).toBe("function");
  });
});
