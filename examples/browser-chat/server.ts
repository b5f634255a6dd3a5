/**
 * The chat server: one HTTP port for the page, its script and WebSocket chat at /chat, one TCP port for
 * length-prefixed chat, both joined to one ChatHub.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { listen } from "@framed/length-prefix/node";
import { attach } from "@framed/websocket/node";
import { bundlePage } from "../shared/page-bundle.ts";
import { ChatHub } from "./chat-hub.ts";
import { encodeChatBytes, encodeChatMessage, MAX_CHAT_MESSAGE_BYTES } from "./chat-message.ts";

export interface ChatServer {
  /** `http://127.0.0.1:<port>`: the page. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/chat`. */
  readonly webSocketUrl: string;
  readonly tcpPort: number;
  close(): Promise<void>;
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>browser-chat</title>
<h1>browser-chat</h1>
<p id="status">connecting…</p>
<ul id="log"></ul>
<form id="form"><input id="name" size="8" placeholder="name"> <input id="text" size="40" autofocus>
  <button>send</button></form>
<script type="module" src="/page.js"></script>
`;

/** A WebSocket close reason must fit in 123 bytes. */
function closeReason(text: string): string {
  return new TextEncoder().encode(text).length <= 123 ? text : text.slice(0, 40);
}

function peer(socket: { remoteAddress?: string; remotePort?: number }): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * Start both ports (0 picks a free one).
 *
 * @example
 * ```ts
 * const chat = await startChatServer({ port: 8080, tcpPort: 8090, log: console.log });
 * ```
 */
export async function startChatServer(options: {
  port: number;
  tcpPort: number;
  host?: string;
  log?: (line: string) => void;
}): Promise<ChatServer> {
  const host = options.host ?? "127.0.0.1";
  const hub = new ChatHub(options.log ?? (() => {}));
  const limits = { maxMessageSize: MAX_CHAT_MESSAGE_BYTES };

  const httpServer = http.createServer((req, res) => {
    if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    else if (req.url === "/page.js") {
      bundlePage(new URL("./page.ts", import.meta.url)).then(
        (script) => res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script),
        (error) => res.writeHead(500, { "content-type": "text/plain" }).end(`bundling page.ts failed: ${error}\n`),
      );
    } else res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  const webSockets = attach(
    httpServer,
    (stream, socket) =>
      hub.serve({
        label: `websocket ${peer(socket as Socket)}`,
        stream,
        deliver: (message) => stream.send(encodeChatMessage(message)),
        reject: (reason) => stream.close({ code: 1008, reason: closeReason(reason) }), // 1008: policy violation
      }),
    { path: "/chat", ...limits },
  );
  httpServer.listen(options.port, host);
  await new Promise((resolve, reject) => httpServer.once("listening", resolve).once("error", reject));

  const tcp = await listen(
    { host, port: options.tcpPort },
    (stream, socket) =>
      hub.serve({
        label: `length-prefix ${peer(socket)}`,
        stream,
        deliver: (message) => stream.send(encodeChatBytes(message)),
        reject: () => stream.close(), // length-prefix has no close reason: the server log says why
      }),
    limits,
  );

  const port = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    webSocketUrl: `ws://${host}:${port}/chat`,
    tcpPort: tcp.address.port,
    async close() {
      await Promise.all([webSockets.close(), tcp.close()]);
      await new Promise((resolve) => {
        httpServer.close(resolve);
        httpServer.closeAllConnections();
      });
    },
  };
}
