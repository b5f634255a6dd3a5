// Test helpers for WebSocket over HTTP/2: the committed test certificate, echo servers on `http2`
// (TLS with HTTP/1.1 allowed, or cleartext h2c) with `attach`, and a record of the HTTP/2 sessions each
// accepted WebSocket arrived on.
import { once } from "node:events";
import { readFileSync } from "node:fs";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { attach, type ServerOptions, type ServerWebSocketStream, type WebSocketAttachment } from "../../src/node.ts";

/** The committed self-signed certificate for localhost and 127.0.0.1 (see test-support/tls/README.md). */
export const tlsFixture = {
  cert: readFileSync(new URL("../../../../test-support/tls/localhost.cert.pem", import.meta.url)),
  key: readFileSync(new URL("../../../../test-support/tls/localhost.key.pem", import.meta.url)),
};

/** A running HTTP/2 WebSocket echo server. */
export interface Http2EchoServer {
  server: http2.Http2SecureServer | http2.Http2Server;
  ws: WebSocketAttachment;
  port: number;
  /** `wss://127.0.0.1:port` or `ws://…`. */
  origin: string;
  /** The carrier of each accepted WebSocket: an `Http2Stream` for HTTP/2, a socket for HTTP/1.1. */
  carriers: Duplex[];
  /** The HTTP/2 session each accepted WebSocket arrived on, recorded at accept time (undefined: HTTP/1.1). */
  carrierSessions: Array<http2.Http2Session | undefined>;
  close(): Promise<void>;
}

/** Echo every message back, until the peer closes. */
export async function echo(stream: ServerWebSocketStream): Promise<void> {
  try {
    for await (const message of stream) await stream.send(message);
  } catch {
    // The stream's error is reported through `closed`; tests check it there.
  }
}

/** Start an echo server: TLS with `allowHTTP1` by default, or cleartext h2c with `{ cleartext: true }`. */
export async function http2EchoServer(
  options: ServerOptions & { cleartext?: boolean } = {},
  onStream: (stream: ServerWebSocketStream) => Promise<void> = echo,
): Promise<Http2EchoServer> {
  const { cleartext, ...serverOptions } = options;
  // Made with a request handler (Node's compatibility API, as an app serving pages would be): its CONNECT
  // handling must not get in the way of the WebSocket streams.
  const page = (_request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => response.end("page");
  const server = cleartext
    ? http2.createServer(page)
    : http2.createSecureServer({ ...tlsFixture, allowHTTP1: true }, page);
  const carriers: Duplex[] = [];
  const carrierSessions: Array<http2.Http2Session | undefined> = [];
  const ws = attach(
    server,
    (stream, carrier) => {
      carriers.push(carrier);
      carrierSessions.push((carrier as Partial<http2.ServerHttp2Stream>).session);
      return onStream(stream);
    },
    serverOptions,
  );
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    ws,
    port,
    origin: `${cleartext ? "ws" : "wss"}://127.0.0.1:${port}`,
    carriers,
    carrierSessions,
    close: async () => {
      await ws.close();
      for (const session of sessions) session.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
