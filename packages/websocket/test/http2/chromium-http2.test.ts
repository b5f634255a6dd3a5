// Real Chromium over HTTP/2: the page loads over TLS+h2 from a Node http2 server with framed attached, and
// the page's WebSockets to the same origin arrive as RFC 8441 extended CONNECT streams on that very HTTP/2
// connection (Chromium uses it once the connection advertised SETTINGS_ENABLE_CONNECT_PROTOCOL). Chromium is
// the system one (/usr/bin/chromium), driven by playwright-core, told to accept the test certificate.
import { existsSync } from "node:fs";
import type * as http2 from "node:http2";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ServerWebSocketStream } from "../../src/node.ts";
import { echo, type Http2EchoServer, http2EchoServer } from "./http2-helpers.ts";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let server: Http2EchoServer;
let browser: Browser;
let page: Page;
const pageSessions: http2.Http2Session[] = [];
const serverSaw: Array<Promise<{ code?: number; reason?: string }>> = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (set CHROMIUM_PATH)`);
  server = await http2EchoServer({ deflate: true, protocols: ["chat.v2"] }, async (stream: ServerWebSocketStream) => {
    if (stream.request.url === "/goodbye") {
      await stream.close({ code: 4001, reason: "server says bye" });
      return;
    }
    serverSaw.push(stream.closed);
    await echo(stream);
  });
  server.server.on("stream", (stream, fields) => {
    if (fields[":method"] === "GET" && stream.session) pageSessions.push(stream.session);
  });
  browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--ignore-certificate-errors", "--no-first-run", "--disable-quic"],
  });
  page = await browser.newPage();
  const response = await page.goto(`https://127.0.0.1:${server.port}/`);
  expect(await response?.text()).toBe("page");
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("loads the page over HTTP/2 and opens its WebSockets as extended CONNECT streams on that same connection", async () => {
  const protocol = await page.evaluate(
    () => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).nextHopProtocol,
  );
  expect(protocol).toBe("h2");
  const result = await page.evaluate(async (url) => {
    const sockets = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(url, ["chat.v2"]);
            ws.onopen = () => resolve(ws);
            ws.onerror = () => reject(new Error("WebSocket failed"));
          }),
      ),
    );
    const echoOnce = (ws: WebSocket, message: string | ArrayBuffer) =>
      new Promise<string | ArrayBuffer>((resolve) => {
        ws.binaryType = "arraybuffer";
        ws.onmessage = (event) => resolve(event.data);
        ws.send(message);
      });
    const text = await echoOnce(sockets[0], "hello over h2");
    const binary = new Uint8Array((await echoOnce(sockets[1], new Uint8Array([1, 2, 255]).buffer)) as ArrayBuffer);
    const large = "large ".repeat(200_000);
    const largeBack = await echoOnce(sockets[2], large);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      sockets[0].onclose = (event) => resolve({ code: event.code, reason: event.reason });
    });
    sockets[0].close(4002, "page says bye");
    return {
      text,
      binary: [...binary],
      largeOk: largeBack === large,
      protocol: sockets[0].protocol,
      extensions: sockets[0].extensions,
      close: await closed,
      siblingStillOpen: await echoOnce(sockets[1], "after a sibling closed"),
    };
  }, `wss://127.0.0.1:${server.port}/chat`);

  expect(result).toMatchObject({
    text: "hello over h2",
    binary: [1, 2, 255],
    largeOk: true,
    protocol: "chat.v2",
    close: { code: 4002 },
    siblingStillOpen: "after a sibling closed",
  });
  expect(result.extensions).toContain("permessage-deflate");
  // Every WebSocket came as a stream of the session that served the page.
  expect(server.carriers).toHaveLength(3);
  expect(server.carrierSessions).toEqual([pageSessions[0], pageSessions[0], pageSessions[0]]);
  const closes = await Promise.race(serverSaw.map((closed) => closed));
  expect(closes).toMatchObject({ code: 4002, reason: "page says bye" });
  const accepted = [...server.ws.streams];
  expect(accepted.every((stream) => stream.request.method === "CONNECT" && stream.deflate !== null)).toBe(true);
});

it("delivers the server's close code and reason to the page", async () => {
  const close = await page.evaluate(
    (url) =>
      new Promise<{ code: number; reason: string }>((resolve) => {
        const ws = new WebSocket(url);
        ws.onclose = (event) => resolve({ code: event.code, reason: event.reason });
      }),
    `wss://127.0.0.1:${server.port}/goodbye`,
  );
  expect(close).toEqual({ code: 4001, reason: "server says bye" });
  expect(server.carrierSessions.at(-1)).toBe(pageSessions[0]);
});
