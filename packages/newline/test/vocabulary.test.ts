// The shared vocabulary in @framed/newline/node: each framing factory also carries the runtime's functions bound
// to it (ndjson.connect, newlineBytes.listen…), the old jsonLines/byteLines names still work, and addresses take
// `host` (with Deno's `hostname` accepted).
import type { Listener, MessageStream } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import { ndjson as rootNdjson, newlineBytes as rootNewlineBytes } from "../src/index.ts";
import { byteLines, connect, jsonLines, listen, ndjson, newlineBytes } from "../src/node.ts";

const listeners: Listener<unknown>[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function echoOnce<T>(client: MessageStream<T>, message: T): Promise<T> {
  await client.send(message);
  const next = await client[Symbol.asyncIterator]().next();
  await client.close();
  return next.value as T;
}

async function echo<T>(stream: MessageStream<T>): Promise<void> {
  for await (const message of stream) await stream.send(message);
}

describe("one name per framing", () => {
  it("ndjson in the runtime entry is still the framing factory, as in the root entry", () => {
    expect(ndjson().name).toBe(rootNdjson().name);
    expect(newlineBytes({ delimiter: "\0" }).name).toBe(rootNewlineBytes({ delimiter: "\0" }).name);
  });

  it("ndjson.listen and ndjson.connect carry JSON values", async () => {
    const server = await ndjson.listen<{ n: number }>({ port: 0 }, echo);
    listeners.push(server);
    const client = await ndjson.connect<{ n: number }>({ port: server.address.port });
    expect(await echoOnce(client, { n: 1 })).toEqual({ n: 1 });
  });

  it("newlineBytes.listen and newlineBytes.connect carry byte records", async () => {
    const server = await newlineBytes.listen({ port: 0 }, echo, { delimiter: "\0" });
    listeners.push(server);
    const client = await newlineBytes.connect({ port: server.address.port }, { delimiter: "\0" });
    expect(await echoOnce(client, Uint8Array.of(1, 2))).toEqual(Uint8Array.of(1, 2));
  });

  it("the deprecated jsonLines and byteLines are the same bound functions and still work", async () => {
    expect(jsonLines.connect).toBe(ndjson.connect);
    expect(byteLines.listen).toBe(newlineBytes.listen);
    const server = await jsonLines.listen({ port: 0 }, echo);
    listeners.push(server);
    const client = await jsonLines.connect<string[]>({ port: server.address.port });
    expect(await echoOnce(client, ["a"])).toEqual(["a"]);
  });
});

describe("addresses", () => {
  it("connect and listen take host, and the deprecated hostname as its alias", async () => {
    const server = await listen({ host: "127.0.0.1", port: 0 }, echo);
    listeners.push(server);
    expect(server.address.host).toBe("127.0.0.1");
    const viaHost = await connect({ host: "127.0.0.1", port: server.address.port });
    expect(await echoOnce(viaHost, "by host")).toBe("by host");
    const viaHostname = await connect({ hostname: "127.0.0.1", port: server.address.port });
    expect(await echoOnce(viaHostname, "by hostname")).toBe("by hostname");
  });
});
