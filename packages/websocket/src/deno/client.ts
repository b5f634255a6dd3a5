/**
 * The Deno WebSocket client over our own protocol core: `connect("ws://…" | "wss://…")` opens TCP
 * (`Deno.connect`) or TLS (`Deno.connectTls`), sends the upgrade request, checks the 101 with the sans-I/O
 * handshake, and wraps the connection as a WebSocket stream. The same flow as the Node `connect`.
 */
import { FramedError, trustedCertificates } from "@framed/core";
import { ClientConnect } from "../adapter/client-connect.ts";
import type { StreamOpening } from "../adapter/open-stream.ts";
import { openingDeadline } from "../adapter/open-stream.ts";
import { parseTarget, type Target } from "../adapter/target.ts";
import type { WebSocketMessageStream } from "../adapter/websocket-connection.ts";
import { sha1 } from "../handshake/sha1.ts";
import { closeQuietly, readUntil, writeAll } from "./conn-io.ts";
import { connStream } from "./conn-stream.ts";
import { type DenoConn, denoRuntime } from "./deno-api.ts";
import type { ConnectOptions } from "./options.ts";

/**
 * Open a WebSocket connection over Deno TCP or TLS, permessage-deflate offered by default. Resolves once
 * the server's 101 is checked; a refusal rejects with `FramedError` `HANDSHAKE_FAILED` carrying the HTTP
 * `status`, a slow server with `TIMEOUT`, an unreachable one with `CONNECT_FAILED`.
 *
 * @example
 * ```ts
 * import { connect } from "@framed/websocket/deno";
 * const stream = await connect("ws://127.0.0.1:8080/chat", { protocols: ["chat.v2"] });
 * await stream.send("hello");
 * for await (const message of stream) console.log(message);
 * ```
 */
export async function connect(url: string | URL, options: ConnectOptions = {}): Promise<WebSocketMessageStream> {
  const target = parseTarget(url);
  const handshake = new ClientConnect(target, options, sha1);
  const { where } = handshake;

  let conn: DenoConn | undefined;
  let timedOut: FramedError | undefined;
  let expire!: (error: FramedError) => void;
  const expired = new Promise<never>((_, reject) => (expire = reject));
  expired.catch(() => {});
  const clock = openingDeadline(handshake, () => {
    timedOut = handshake.expire();
    expire(timedOut);
    if (conn) closeQuietly(conn);
  });
  try {
    const opening = open(target, options);
    conn = await Promise.race([opening, expired]).catch((error) => {
      // A connection that opens after the deadline is closed at once.
      opening.then(closeQuietly, () => {});
      throw error;
    });
    let accepted: StreamOpening | null;
    try {
      await writeAll(conn, handshake.request);
      accepted = await readUntil(conn, (bytes) => handshake.receive(bytes));
      if (!accepted) throw handshake.closedEarly();
    } catch (error) {
      closeQuietly(conn);
      if (timedOut) throw timedOut;
      if (error instanceof FramedError) throw error;
      throw new FramedError(
        "CONNECTION_RESET",
        `WebSocket connection to ${where} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (timedOut) throw timedOut;
    return connStream(conn, accepted);
  } finally {
    clock?.stop();
  }
}

/** Dial the target: TCP for `ws:`, TLS (HTTP/1.1 by ALPN) for `wss:`. */
async function open(target: Target, options: ConnectOptions): Promise<DenoConn> {
  const deno = denoRuntime();
  try {
    if (!target.secure) return await deno.connect({ hostname: target.hostname, port: target.port });
    const conn = await deno.connectTls({
      hostname: target.hostname,
      port: target.port,
      alpnProtocols: ["http/1.1"],
      ...trusting(trustedCertificates({ ca: options.tls?.ca, caCerts: options.caCerts })),
    });
    try {
      // Deno shakes hands lazily; doing it here makes a bad certificate CONNECT_FAILED, as on Node.
      await conn.handshake();
    } catch (error) {
      closeQuietly(conn);
      throw error;
    }
    return conn;
  } catch (error) {
    throw new FramedError(
      "CONNECT_FAILED",
      `WebSocket connection to ${target.secure ? "wss" : "ws"}://${target.host} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function trusting(caCerts: string[] | undefined): { caCerts?: string[] } {
  return caCerts === undefined ? {} : { caCerts };
}
