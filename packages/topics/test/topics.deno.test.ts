// @framed/topics in the real Deno runtime: a length-prefix server and a newline server on Deno sockets share
// one topic, and each client gets what the other sent.
import assert from "node:assert/strict";
import type { MessageStream } from "@framed/core";
import { connect as connectRecords, listen as listenRecords } from "@framed/length-prefix/deno";
import { connect as connectLines, listen as listenLines } from "@framed/newline/deno";
import { Topics } from "../src/index.ts";

Deno.test("length-prefix and newline streams on Deno share one topic", async () => {
  const topics = new Topics();
  const serve = (stream: MessageStream<string | Uint8Array>) => {
    topics.subscribe("room", stream);
    return stream.consume((message) => {
      topics.publish("room", typeof message === "string" ? message : new TextDecoder().decode(message), {
        except: stream,
      });
    });
  };
  const records = await listenRecords({ port: 0 }, (stream) => serve(stream as MessageStream<string | Uint8Array>));
  const lines = await listenLines({ port: 0 }, (stream) => serve(stream as MessageStream<string | Uint8Array>));
  const recordClient = await connectRecords({ port: records.address.port });
  const lineClient = await connectLines({ port: lines.address.port });
  // Each server subscribes its stream once it has accepted the connection; wait for both.
  while (topics.subscriberCount("room") < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  await recordClient.send(new TextEncoder().encode("from a record"));
  const [line] = await take(lineClient, 1);
  assert.equal(line, "from a record");
  await lineClient.send("from a line");
  const [record] = await take(recordClient, 1);
  assert.equal(new TextDecoder().decode(record as Uint8Array), "from a line");
  await recordClient.close();
  await lineClient.close();
  await records.close();
  await lines.close();
  await topics.close();
});

async function take<T>(stream: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  const iterator = stream[Symbol.asyncIterator]();
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}
