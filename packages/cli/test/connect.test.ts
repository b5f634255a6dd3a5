// `framed connect` run as a child process against framed's own servers of every framing, a `ws` server and a
// plain Node line server: every stdin line arrives and comes back in order, binary is printed safely, and
// --json reports each event.
import { once } from "node:events";
import * as net from "node:net";
import type { MessageStream } from "@framed/core";
import { listen as listenLengthPrefix } from "@framed/length-prefix/node";
import { listen as listenNewline, ndjson } from "@framed/newline/node";
import { listen as listenWebSocket } from "@framed/websocket/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { ensureBuilt, runCli } from "./run-cli.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
beforeAll(() => ensureBuilt(), 60_000);

/**
 * The echo servers send every message back and close after echoing "END" (as text, bytes or a JSON string),
 * so a test ends when the server closes and never depends on --linger's clock.
 */
const END = "END";
const isEnd = (message: unknown) =>
  message === END || (message instanceof Uint8Array && new TextDecoder().decode(message) === END);
const echo = <T>(stream: MessageStream<T>) =>
  stream.consume(async (message) => {
    await stream.send(message);
    if (isEnd(message)) await stream.close();
  });
/** Longer than any test: the peer's close, not the linger, ends these runs. */
const NO_LINGER = ["--linger", "60000"];

async function echoServer(framing: "websocket" | "length-prefix" | "newline" | "ndjson"): Promise<string> {
  if (framing === "websocket") {
    const server = await listenWebSocket({ port: 0 }, echo, { deflate: true });
    cleanups.push(() => server.close());
    return server.url;
  }
  const server =
    framing === "length-prefix"
      ? await listenLengthPrefix({ port: 0 }, echo, { header: "varint" })
      : framing === "ndjson"
        ? await ndjson.listen({ port: 0 }, echo)
        : await listenNewline({ port: 0 }, echo);
  cleanups.push(() => server.close());
  const scheme = framing === "length-prefix" ? "lp" : framing;
  return `${scheme}://127.0.0.1:${server.address.port}`;
}

describe("framed connect against framed's echo servers", () => {
  for (const framing of ["websocket", "length-prefix", "newline", "ndjson"] as const) {
    it(`${framing}: every stdin line is sent as one message and printed back in order, exit 0`, async () => {
      const address = await echoServer(framing);
      const lines =
        framing === "ndjson"
          ? ['{"a":1}', "[1,2]", '"text"', "null", `"${END}"`]
          : ["hello", "", "wörld ✓", "x".repeat(70_000), END];
      const extra = framing === "length-prefix" ? ["--header", "varint"] : [];
      const { code, stdout, stderr } = await runCli(
        ["connect", address, ...NO_LINGER, ...extra],
        `${lines.join("\n")}\n`,
      );
      expect(stderr).toContain("connected to");
      expect(stderr).toContain("closed by the peer");
      expect(code).toBe(0);
      // NDJSON skips nothing here, but prints each value as compact JSON.
      expect(stdout).toBe(`${lines.join("\n")}\n`);
    });
  }

  it("offers permessage-deflate by default and --json's open event says what was agreed; --no-deflate offers none", async () => {
    const address = await echoServer("websocket");
    const opened = async (flags: string[]) => {
      const { stdout } = await runCli(["connect", address, "--json", ...NO_LINGER, ...flags], `${END}\n`);
      return JSON.parse(stdout.split("\n")[0]);
    };
    expect((await opened([])).extensions).toMatch(/^permessage-deflate/);
    expect(await opened(["--no-deflate"])).toEqual({ event: "open", address });
  });

  it("pipes 100,000 lines through a newline echo server, every one arriving once and in order", async () => {
    const address = await echoServer("newline");
    const lines = [...Array.from({ length: 100_000 }, (_, i) => `line ${i}`), END];
    const { code, stdout } = await runCli(["connect", address, ...NO_LINGER, "-q"], `${lines.join("\n")}\n`, 30_000);
    expect(code).toBe(0);
    const received = stdout.split("\n");
    expect(received.pop()).toBe("");
    expect(received.length).toBe(lines.length);
    expect(received).toEqual(lines);
  });

  it("--stdin-framing length-prefix cuts stdin at its length headers, so a message may hold newlines", async () => {
    const address = await echoServer("length-prefix");
    const records = ["one\ntwo", "three", END].map((text) => {
      const payload = Buffer.from(text);
      return Buffer.concat([Buffer.from([payload.length]), payload]);
    });
    const { code, stdout } = await runCli(
      [
        "connect",
        address,
        "--header",
        "varint",
        "--stdin-framing",
        "length-prefix",
        "--binary",
        "base64",
        ...NO_LINGER,
      ],
      Buffer.concat(records),
    );
    expect(code).toBe(0);
    expect(stdout).toBe(["one\ntwo", "three", END].map((text) => `${Buffer.from(text).toString("base64")}\n`).join(""));
  });

  it("when stdin ends and the server stays open, prints what arrives and closes cleanly once --linger passes in silence", async () => {
    const server = await listenNewline({ port: 0 }, (stream) => stream.consume((line) => stream.send(line)));
    cleanups.push(() => server.close());
    const { code, stdout, stderr } = await runCli(
      ["connect", `127.0.0.1:${server.address.port}`, "--linger", "1000"],
      "a\nb\n",
    );
    expect(stdout).toBe("a\nb\n");
    expect(stderr).toContain("closed by us");
    expect(code).toBe(0);
  });
});

describe("framed connect framing options", () => {
  it("--delimiter sends and splits records on another delimiter", async () => {
    const server = await listenNewline(
      { port: 0 },
      (stream) =>
        stream.consume(async (record) => {
          await stream.send(`<${record}>`);
          if (record === END) await stream.close();
        }),
      { delimiter: "\0" },
    );
    cleanups.push(() => server.close());
    const { code, stdout } = await runCli(
      ["connect", `127.0.0.1:${server.address.port}`, "--delimiter", "\\0", ...NO_LINGER],
      `a b\nc\n${END}\n`,
    );
    expect(stdout).toBe(`<a b>\n<c>\n<${END}>\n`);
    expect(code).toBe(0);
  });
});

describe("framed connect against a ws server", () => {
  async function wsServer() {
    const seen: { protocol?: string; token?: string } = {};
    const server = new WebSocketServer({ port: 0, handleProtocols: (protocols) => [...protocols].at(-1) ?? false });
    server.on("connection", (socket, request) => {
      seen.protocol = socket.protocol;
      seen.token = request.headers["x-token"] as string | undefined;
      socket.on("message", (data, isBinary) => {
        const text = data.toString();
        if (text === "done") socket.close(1000, "done");
        else if (isBinary) socket.send(data, { binary: true });
        else if (text === "binary") socket.send(Buffer.from([0, 1, 0xfe, 0xff]));
        else if (text === "close") socket.close(4000, "bye now");
        else socket.send(text);
      });
    });
    await once(server, "listening");
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, seen };
  }

  it("offers subprotocols and sends -H headers; exits 0 when the server closes with 1000", async () => {
    const { url, seen } = await wsServer();
    const { code, stdout } = await runCli(
      ["connect", url, "--protocol", "a.v1", "--protocol", "b.v2", "-H", "X-Token: s3cret", "--no-deflate"],
      "hi\ndone\n",
    );
    expect(stdout).toBe("hi\n");
    expect(code).toBe(0);
    expect(seen).toEqual({ protocol: "b.v2", token: "s3cret" });
  });

  it("prints a binary message as hex by default (as text when it is printable UTF-8) and as base64 on request", async () => {
    const { url } = await wsServer();
    const hex = await runCli(["connect", url, ...NO_LINGER], "binary\ndone\n");
    expect(hex.stdout).toBe("0001feff\n");
    const base64 = await runCli(["connect", url, ...NO_LINGER, "--binary", "base64"], "binary\ndone\n");
    expect(base64.stdout).toBe("AAH+/w==\n");
    const printable = await runCli(["connect", url, ...NO_LINGER, "--binary-out"], "plain text\ndone\n");
    expect(printable.stdout).toBe("plain text\n");
  });

  it("--json prints one object per event: open, each message with its type, close with code and reason", async () => {
    const { url } = await wsServer();
    const { code, stdout } = await runCli(["connect", url, "--json"], "hi\nbinary\nclose\n");
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.slice(0, 4)).toEqual([
      { event: "open", address: url },
      { event: "message", type: "text", data: "hi" },
      { event: "message", type: "binary", encoding: "hex", data: "0001feff" },
      { event: "close", initiator: "remote", code: 4000, reason: "bye now" },
    ]);
    expect(events[4]).toMatchObject({ event: "error", exit: 7 });
    expect(code).toBe(7);
  });
});

describe("framed connect --json and WebSocket control frames", () => {
  it("prints the server's ping and the pong answering a --ping-interval ping as events", async () => {
    const server = new WebSocketServer({ port: 0 });
    server.on("connection", (socket) => {
      socket.ping("hb");
      // ws answers the CLI's keep-alive ping before emitting "ping": the pong is on the wire before the close.
      socket.on("ping", () => socket.close(1000, "seen your ping"));
    });
    await once(server, "listening");
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const { code, stdout } = await runCli(["connect", url, "--json", "--no-stdin", "--ping-interval", "400"]);
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((event) => event.event)).toEqual(["open", "ping", "pong", "close"]);
    expect(events[1]).toEqual({ event: "ping", data: "hb" });
    expect(events[3]).toEqual({ event: "close", initiator: "remote", code: 1000, reason: "seen your ping" });
    expect(code).toBe(0);
  });
});

describe("framed connect against a plain Node line server", () => {
  it("sends lines, prints the replies, and exits 0 when the server ends the connection", async () => {
    const server = net.createServer((socket) => {
      let buffered = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        buffered += chunk;
        let end = buffered.indexOf("\n");
        while (end >= 0) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 1);
          if (line === "quit") socket.end("bye\n");
          else socket.write(`${line.toUpperCase()}\r\n`);
          end = buffered.indexOf("\n");
        }
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as net.AddressInfo).port;
    const { code, stdout, stderr } = await runCli(["connect", `127.0.0.1:${port}`], "abc\ndef\nquit\n");
    expect(stdout).toBe("ABC\nDEF\nbye\n");
    expect(stderr).toContain("closed by the peer");
    expect(code).toBe(0);
  });
});
