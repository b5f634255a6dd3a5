// Other WebSocket implementations as clients of our Node server: Node's own WebSocket (undici, behind
// --experimental-websocket on Node 20) and Python's `websockets` from Debian, each in a child process.
import { execFile, spawnSync } from "node:child_process";
import type { CloseInfo } from "@framed/core";
import { afterEach, describe, expect, it } from "vitest";
import { listen, type ServerWebSocketStream, type WebSocketListener } from "../../src/node.ts";
import { echoServer, within } from "./helpers.ts";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An echo server that keeps every stream's `closed` promise. */
async function recordingServer(): Promise<{
  listener: WebSocketListener;
  closes: Promise<CloseInfo>[];
  streams: ServerWebSocketStream[];
}> {
  const closes: Promise<CloseInfo>[] = [];
  const streams: ServerWebSocketStream[] = [];
  const listener = await echoServer({ deflate: true, protocols: ["chat"] }, (stream) => {
    streams.push(stream);
    closes.push(stream.closed);
  });
  cleanups.push(() => listener.close());
  return { listener, closes, streams };
}

/** Run a child process and parse the JSON line it prints last. */
function runJson(file: string, args: string[]): Promise<Record<string, unknown>> {
  return within(
    new Promise((resolve, reject) => {
      execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
        const lines = stdout.trim().split("\n");
        try {
          resolve(JSON.parse(lines[lines.length - 1]));
        } catch {
          reject(new Error(`${file} failed (${error?.message ?? "no JSON"}):\n${stdout}\n${stderr}`));
        }
      });
    }),
    20_000,
    `${file} to finish`,
  );
}

const NODE_CLIENT = `
const url = process.argv[1];
const result = { messages: [] };
const socket = new WebSocket(url, ["chat"]);
socket.binaryType = "arraybuffer";
socket.onopen = () => {
  result.protocol = socket.protocol;
  result.extensions = socket.extensions;
  socket.send("text from node ✓");
  socket.send(new Uint8Array([1, 2, 3, 255]));
  socket.send("x".repeat(200000));
};
socket.onmessage = (event) => {
  const data = event.data;
  result.messages.push(typeof data === "string" ? (data.length > 100 ? "long:" + data.length : data) : "binary:" + [...new Uint8Array(data)].join(","));
  if (result.messages.length === 3) socket.close(4005, "node done");
};
socket.onerror = (event) => { result.error = String(event.message ?? event.type); };
socket.onclose = (event) => {
  result.close = { code: event.code, reason: event.reason, wasClean: event.wasClean };
  console.log(JSON.stringify(result));
  process.exit(0);
};
setTimeout(() => { console.log(JSON.stringify({ ...result, timeout: true })); process.exit(1); }, 10000);
`;

describe("Node's own WebSocket client (undici)", () => {
  it("exchanges text, binary and a 200 kB message, and its close code reaches our closed", async () => {
    const { listener, closes } = await recordingServer();
    const result = await runJson(process.execPath, [
      "--experimental-websocket",
      "--no-warnings",
      "-e",
      NODE_CLIENT,
      listener.url,
    ]);
    expect(result.error).toBeUndefined();
    expect(result.protocol).toBe("chat");
    expect(result.messages).toEqual(["text from node ✓", "binary:1,2,3,255", "long:200000"]);
    // The reason undici reports is whatever our close reply carries; the code is echoed by RFC 6455 §5.5.1.
    expect(result.close).toMatchObject({ code: 4005, wasClean: true });
    expect(await within(closes[0], 5000, "server closed")).toMatchObject({
      initiator: "remote",
      code: 4005,
      reason: "node done",
    });
  });
});

const PYTHON_CLIENT = `
import asyncio, json, sys
import websockets

async def main(url):
    result = {}
    async with websockets.connect(url, subprotocols=["chat"], compression="deflate", max_size=None) as ws:
        result["subprotocol"] = ws.subprotocol
        result["extensions"] = [type(e).__name__ for e in ws.extensions]
        await ws.send("text from python ✓")
        result["text"] = await ws.recv()
        await ws.send(bytes([0, 1, 254, 255]))
        result["binary"] = list(await ws.recv())
        big = "y" * 3_000_000
        await ws.send(big)
        result["big"] = len(await ws.recv())
        pong = await ws.ping(b"py-ping")
        await asyncio.wait_for(pong, 5)
        result["pong"] = True
        await ws.close(code=4006, reason="python done")
        result["close"] = [ws.close_code, ws.close_reason]
    print(json.dumps(result))

asyncio.run(asyncio.wait_for(main(sys.argv[1]), 12))
`;

const PYTHON_CLOSED_BY_SERVER = `
import asyncio, json, sys
import websockets

async def main(url):
    async with websockets.connect(url) as ws:
        await ws.send("close me")
        try:
            await ws.recv()
        except websockets.ConnectionClosed as closed:
            print(json.dumps({"code": closed.rcvd.code, "reason": closed.rcvd.reason}))

asyncio.run(asyncio.wait_for(main(sys.argv[1]), 12))
`;

function requirePythonWebsockets(): void {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import websockets"], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error(
      "Python websockets is not importable by /usr/bin/python3; install it with `apt-get install python3-websockets` " +
        `(as root) and run the tests again.\n${probe.error?.message ?? probe.stderr}`,
    );
  }
}

describe("Python websockets (Debian python3-websockets)", () => {
  it("exchanges text, binary and a 3 MB message with deflate, pings, and closes with its code", async () => {
    requirePythonWebsockets();
    const { listener, closes } = await recordingServer();
    const result = await runJson("/usr/bin/python3", ["-c", PYTHON_CLIENT, listener.url]);
    expect(result).toMatchObject({
      subprotocol: "chat",
      extensions: ["PerMessageDeflate"],
      text: "text from python ✓",
      binary: [0, 1, 254, 255],
      big: 3_000_000,
      pong: true,
    });
    expect((result.close as unknown[])[0]).toBe(4006);
    expect(await within(closes[0], 5000, "server closed")).toMatchObject({ code: 4006, reason: "python done" });
  });

  it("receives our server's close code and reason", async () => {
    requirePythonWebsockets();
    const listener = await listen({ port: 0 }, async (stream) => {
      // Not awaited: the loop keeps reading until the client's close reply ends it.
      for await (const _ of stream) void stream.close({ code: 4010, reason: "server closing" });
    });
    cleanups.push(() => listener.close());
    const result = await runJson("/usr/bin/python3", ["-c", PYTHON_CLOSED_BY_SERVER, listener.url]);
    expect(result).toEqual({ code: 4010, reason: "server closing" });
  });
});
