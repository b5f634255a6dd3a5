/**
 * The echo example's `--http2` server (Node): one TLS port where WebSocket arrives over HTTP/2 (RFC 8441
 * extended CONNECT) or over HTTP/1.1, through `attach` on an `http2.createSecureServer({ allowHTTP1 })`.
 * Without `--tls-cert`/`--tls-key` it makes a throwaway self-signed certificate with the `openssl` CLI, or
 * uses the repository's test certificate when openssl is missing.
 */
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Listener } from "@framed/core";
import { attach, type ServerOptions, type ServerWebSocketStream } from "@framed/websocket/node";
import type { EchoArgs } from "./args.ts";

/** A certificate and key: the given files, a fresh openssl one, or the repository's test pair. */
function certificate(args: EchoArgs): { cert: Buffer; key: Buffer } {
  if (args.tlsCert && args.tlsKey) return { cert: readFileSync(args.tlsCert), key: readFileSync(args.tlsKey) };
  const dir = mkdtempSync(join(tmpdir(), "framed-echo-"));
  try {
    const [keyFile, certFile] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost"]
        .concat(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "7"])
        .concat(["-keyout", keyFile, "-out", certFile]),
      { stdio: "ignore" },
    );
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch {
    const fixture = (name: string) => readFileSync(new URL(`../../test-support/tls/${name}`, import.meta.url));
    return { cert: fixture("localhost.cert.pem"), key: fixture("localhost.key.pem") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Listen on `args.host:args.port` for WebSocket over HTTP/2 and HTTP/1.1 alike.
 *
 * @example
 * ```ts
 * const server = await listenHttp2(args, (stream) => echoEachMessage(stream, log), { deflate: true });
 * console.log(server.url); // wss://127.0.0.1:9002/
 * ```
 */
export async function listenHttp2(
  args: EchoArgs,
  onStream: (stream: ServerWebSocketStream) => void | Promise<void>,
  options: ServerOptions,
): Promise<Listener<unknown> & { url: string }> {
  const server = http2.createSecureServer({ ...certificate(args), allowHTTP1: true }, (_request, response) => {
    response.writeHead(426, { "content-type": "text/plain" }).end("this endpoint only speaks WebSocket\n");
  });
  const ws = attach(server, onStream, options);
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.listen(args.port, args.host);
  await once(server, "listening");
  const bound = server.address() as AddressInfo;
  const host = bound.address.includes(":") ? `[${bound.address}]` : bound.address;
  return {
    address: { host: bound.address, port: bound.port },
    url: `wss://${host}:${bound.port}/`,
    streams: ws.streams,
    close: async () => {
      const stopped = new Promise<void>((done) => server.close(() => done()));
      await ws.close();
      for (const session of sessions) session.close();
      await stopped;
    },
  };
}
