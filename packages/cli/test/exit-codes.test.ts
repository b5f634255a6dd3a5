// Each documented exit code, produced the way a user meets it, with its one-line reason and no stack trace.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import { listen as listenNewline } from "@framed/newline/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { EXIT } from "../src/exit-codes.ts";
import { ensureBuilt, runCli } from "./run-cli.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
beforeAll(() => ensureBuilt(), 60_000);

async function tcpServer(onSocket: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    onSocket(socket);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One line on stderr (plus the usage hint for usage errors), never a stack trace. */
function expectOneLineReason(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe("exit codes", () => {
  it("2 (usage): a missing address, an unknown flag or a bad flag value names what was wrong", async () => {
    const missing = await runCli(["connect"]);
    expect(missing.code).toBe(EXIT.USAGE);
    expectOneLineReason(missing.stderr, /framed connect needs <url-or-address>/);
    const unknown = await runCli(["listen", "8080", "--frobnicate"]);
    expect(unknown.code).toBe(EXIT.USAGE);
    expectOneLineReason(unknown.stderr, /unknown option "--frobnicate"/);
    const badValue = await runCli(["connect", "lp://127.0.0.1:1", "--header", "uint12"]);
    expect(badValue.code).toBe(EXIT.USAGE);
    expectOneLineReason(badValue.stderr, /--header must be one of varint, uint8/);
    const command = await runCli(["conect", "x"]);
    expect(command.code).toBe(EXIT.USAGE);
    expectOneLineReason(command.stderr, /unknown command "conect"/);
  });

  it("3 (connection refused): nothing listens on the port", async () => {
    const port = await freePort();
    for (const address of [`127.0.0.1:${port}`, `ws://127.0.0.1:${port}/`]) {
      const { code, stderr } = await runCli(["connect", address]);
      expect(code).toBe(EXIT.CONNECT_FAILED);
      expectOneLineReason(stderr, /^framed: connection refused: .*ECONNREFUSED/);
    }
    const verbose = await runCli(["connect", `127.0.0.1:${port}`, "--verbose"]);
    expect(verbose.code).toBe(EXIT.CONNECT_FAILED);
    expect(verbose.stderr).toMatch(/^framed: connection refused: .*\n.*FramedError.*\n\s+at /);
  });

  it("3 (listen): the port is already in use", async () => {
    const port = await tcpServer(() => {});
    const { code, stderr } = await runCli(["listen", String(port), "--framing", "length-prefix"]);
    expect(code).toBe(EXIT.CONNECT_FAILED);
    expectOneLineReason(stderr, /^framed: could not listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
  });

  it("4 (handshake refused): a WebSocket server answers 401; the reason carries the status", async () => {
    const server = new WebSocketServer({ port: 0, verifyClient: (_info, done) => done(false, 401, "no token") });
    await once(server, "listening");
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as net.AddressInfo).port;
    const { code, stderr } = await runCli(["connect", `ws://127.0.0.1:${port}/`]);
    expect(code).toBe(EXIT.HANDSHAKE_FAILED);
    expectOneLineReason(stderr, /WebSocket handshake refused: .*401.*Authorization/);
  });

  it("4 (handshake refused): a WebSocket client meeting a raw TCP echo server is told to pick another framing", async () => {
    // The echo sends the upgrade request back: an HTTP head, but not a response.
    const port = await tcpServer((socket) => socket.pipe(socket));
    const { code, stderr } = await runCli(["connect", `ws://127.0.0.1:${port}/`]);
    expect(code).toBe(EXIT.HANDSHAKE_FAILED);
    expectOneLineReason(stderr, /is it a WebSocket server\? for a raw TCP service use --framing newline/);
  });

  it("4 (handshake refused): a WebSocket client meeting a newline echo server fails at its first line, with the wrong-framing hint", async () => {
    const server = await listenNewline({ port: 0 }, (stream) => stream.consume((line) => stream.send(line)));
    cleanups.push(() => server.close());
    // A timeout far past the test's: the client must not wait for it.
    const { code, stderr } = await runCli(["connect", `ws://127.0.0.1:${server.address.port}/`, "--timeout", "60000"]);
    expect(code).toBe(EXIT.HANDSHAKE_FAILED);
    expectOneLineReason(stderr, /did not send an HTTP response.*is it a WebSocket server\?/);
  });

  it("4 (handshake refused): a self-signed certificate is refused with a hint; --insecure accepts it (exit 0)", async () => {
    const tlsDir = new URL("../../../test-support/tls/", import.meta.url);
    const server = https.createServer({
      cert: readFileSync(new URL("localhost.cert.pem", tlsDir)),
      key: readFileSync(new URL("localhost.key.pem", tlsDir)),
    });
    const wss = new WebSocketServer({ server });
    wss.on("connection", (socket) =>
      socket.on("message", (data) => (data.toString() === "done" ? socket.close(1000) : socket.send(data.toString()))),
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    cleanups.push(() => {
      for (const client of wss.clients) client.terminate();
      return new Promise((resolve) => server.close(resolve));
    });
    const url = `wss://localhost:${(server.address() as net.AddressInfo).port}/`;
    const refused = await runCli(["connect", url], "hi\n");
    expect(refused.code).toBe(EXIT.HANDSHAKE_FAILED);
    expectOneLineReason(refused.stderr, /TLS certificate refused \(DEPTH_ZERO_SELF_SIGNED_CERT\).*--insecure/);
    const accepted = await runCli(["connect", url, "--insecure", "--linger", "60000"], "hi\ndone\n");
    expect(accepted.stdout).toBe("hi\n");
    expect(accepted.code).toBe(EXIT.OK);
  });

  it("5 (bad input): a length-prefix client talking to an HTTP server is told the peer speaks HTTP", async () => {
    const port = await tcpServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    const { code, stderr } = await runCli(["connect", `lp://127.0.0.1:${port}`], "hello\n");
    expect(code).toBe(EXIT.BAD_INPUT);
    expectOneLineReason(stderr, /bad input, PROTOCOL_ERROR: .*"HTTP\/1\.1 400 Bad Request", which looks like HTTP/);
  });

  it("5 (bad input): a length-prefix client reading a length over the limit is asked whether the header matches", async () => {
    const port = await tcpServer((socket) => socket.end(Buffer.from([0x7f, 0xff, 0xff, 0xff])));
    const { code, stderr } = await runCli(["connect", `lp://127.0.0.1:${port}`], "hello\n");
    expect(code).toBe(EXIT.BAD_INPUT);
    expectOneLineReason(stderr, /bad input, MESSAGE_TOO_LARGE: .*is the peer length-prefixed/);
  });

  it("5 (bad input): a line longer than --max-message-size, after the lines before it are printed", async () => {
    const port = await tcpServer((socket) => socket.end(`short\n${"x".repeat(100)}\n`));
    const { code, stdout, stderr } = await runCli(["connect", `127.0.0.1:${port}`, "--max-message-size", "10"]);
    expect(stdout).toBe("short\n");
    expect(code).toBe(EXIT.BAD_INPUT);
    expectOneLineReason(stderr, /bad input, MESSAGE_TOO_LARGE: /);
  });

  it("5 (bad input): a stdin line that is not JSON, with --framing ndjson, names the line", async () => {
    const port = await tcpServer(() => {});
    const { code, stderr } = await runCli(["connect", `ndjson://127.0.0.1:${port}`], '{"ok":1}\nnot json\n');
    expect(code).toBe(EXIT.BAD_INPUT);
    expectOneLineReason(stderr, /bad input on stdin: .*not JSON.*"not json"/);
  });

  it("6 (timeout): a server that accepts but never answers the WebSocket handshake", async () => {
    const port = await tcpServer(() => {});
    const { code, stderr } = await runCli(["connect", `ws://127.0.0.1:${port}/`, "--timeout", "300"]);
    expect(code).toBe(EXIT.TIMEOUT);
    expectOneLineReason(stderr, /^framed: timed out: no WebSocket handshake response .* within 300 ms/);
  });

  it("7 (peer error close): the server closes the WebSocket with 1008, and the reason says so", async () => {
    const server = new WebSocketServer({ port: 0 });
    server.on("connection", (socket) => socket.close(1008, "policy"));
    await once(server, "listening");
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as net.AddressInfo).port;
    const { code, stderr } = await runCli(["connect", `ws://127.0.0.1:${port}/`]);
    expect(code).toBe(EXIT.PEER_ERROR_CLOSE);
    expectOneLineReason(stderr, /peer closed with code 1008 \(policy\)/);
  });
});
