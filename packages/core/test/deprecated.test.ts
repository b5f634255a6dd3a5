// Old names keep working for one minor version.
import { describe, expect, it } from "vitest";
import { Connection, FramedStream } from "../src/index.ts";
import { memoryPipe } from "../src/testing/index.ts";
import { tinyFraming } from "./fixtures/tiny-framing.ts";

describe("deprecated aliases", () => {
  it("new FramedStream(setup) still opens a working Connection", async () => {
    const [a, b] = memoryPipe();
    const client = new FramedStream({ transport: a, framing: tinyFraming(), role: "client" });
    const server = new Connection({ transport: b, framing: tinyFraming(), role: "server" });
    expect(client).toBeInstanceOf(Connection);
    await client.send("hi");
    expect((await server[Symbol.asyncIterator]().next()).value).toBe("hi");
    client.abort();
  });
});
