/**
 * WebSocket over HTTP/2 on a Node `http2` server (RFC 8441): each extended CONNECT stream with
 * `:protocol: websocket` is checked by the sans-I/O handshake, answered 200 (or refused), and wrapped as a
 * WebSocket stream over that one HTTP/2 stream. The HTTP/2 session and its other streams are untouched.
 */
import * as http2 from "node:http2";
import type { Duplex } from "node:stream";
import type { FramedError, StreamHandler, StreamRegistry } from "@framed/core";
import { ServerAccept, wentAway } from "../adapter/server-accept.ts";
import { noEndpoint, pathMatches, type UpgradeSettings } from "../adapter/server-upgrade.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-connection.ts";
import { HttpHeaders } from "../handshake/http-headers.ts";
import { nodeSha1, socketStream, whileVerifying } from "./upgrade.ts";

/** A Node HTTP/2 server, cleartext (h2c) or TLS (with or without `allowHTTP1`). */
export type Http2WebSocketServer = http2.Http2Server | http2.Http2SecureServer;

/** True for servers made by `http2.createServer`/`createSecureServer` (they can change their SETTINGS). */
export function isHttp2Server(server: unknown): server is Http2WebSocketServer {
  return typeof (server as { updateSettings?: unknown }).updateSettings === "function";
}

const ignoreError = () => {};

/**
 * Take the extended CONNECT streams of `server` whose `:protocol` is `websocket` (and whose path matches)
 * and hand each accepted WebSocket to `registry`. Turns on `enableConnectProtocol` for new sessions, as
 * RFC 8441 requires the server to advertise it. Returns `stop`, which lets go of the server and resets
 * streams still in their handshake.
 */
export function acceptConnectStreams(
  server: Http2WebSocketServer,
  settings: UpgradeSettings,
  registry: StreamRegistry<string | Uint8Array>,
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, Duplex>,
): () => void {
  const pending = new Set<http2.ServerHttp2Stream>();
  const refuseNoEndpoint = (stream: http2.ServerHttp2Stream, path: string | undefined) => {
    const error = refuseStream(stream, noEndpoint(path));
    settings.options.onHandshakeError?.(error);
  };
  const onH2Stream = (
    stream: http2.ServerHttp2Stream,
    fields: http2.IncomingHttpHeaders,
    _flags: number,
    rawHeaders: string[] | undefined,
  ) => {
    // Plain requests (and CONNECT to other protocols) belong to the server's other listeners.
    if (fields[":method"] !== "CONNECT" || fields[":protocol"] !== "websocket") return;
    if (!pathMatches(fields[":path"], settings.options.path)) {
      // With a request handler, Node's compatibility API routes the stream to 'connect' (see below).
      if (server.listenerCount("stream") === 1 && server.listenerCount("request") === 0) {
        refuseNoEndpoint(stream, fields[":path"]);
      }
      return;
    }
    pending.add(stream);
    connectStream(stream, fields, rawHeaders, settings).then(
      (accepted) => {
        pending.delete(stream);
        registry.accept(accepted, onStream, stream);
      },
      () => pending.delete(stream),
    );
  };
  // A server made with a request handler (Node's compatibility API) answers every CONNECT nobody takes
  // through its 'connect' event with 405, before our 'stream' listener runs: claim the WebSocket ones.
  const onCompatConnect = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => {
    const websocket = request.headers[":protocol"] === "websocket";
    if (websocket && pathMatches(request.headers[":path"], settings.options.path)) return;
    if (server.listenerCount("connect") !== 1) return;
    if (websocket) {
      refuseNoEndpoint(response.stream, request.headers[":path"]);
    } else {
      response.statusCode = 405;
      response.end();
    }
  };
  server.updateSettings({ enableConnectProtocol: true });
  server.on("stream", onH2Stream);
  server.on("connect", onCompatConnect);
  return () => {
    server.off("stream", onH2Stream);
    server.off("connect", onCompatConnect);
    for (const stream of pending) stream.close(http2.constants.NGHTTP2_CANCEL);
  };
}

/** One extended CONNECT stream through verify, the 200 and the wrap. Rejects after refusing it. */
async function connectStream(
  stream: http2.ServerHttp2Stream,
  fields: http2.IncomingHttpHeaders,
  rawHeaders: string[] | undefined,
  settings: UpgradeSettings,
): Promise<ServerWebSocketStream> {
  stream.on("error", ignoreError);
  try {
    const accept = new ServerAccept(settings, nodeSha1);
    let outcome = accept.enterConnect({
      method: fields[":method"] ?? "",
      protocol: fields[":protocol"] as string | undefined,
      path: fields[":path"],
      authority: fields[":authority"],
      headers: HttpHeaders.fromPairs(rawHeaders ?? fieldPairs(fields)),
    });
    if (outcome instanceof Promise) {
      outcome = await whileVerifying(accept, stream, outcome);
    }
    if ("refusal" in outcome) throw refuseStream(stream, outcome.refusal);
    if (stream.destroyed || stream.closed) throw wentAway();
    stream.respond(responseFields(200, outcome.accepted.fields));
    // Paused for verify: resume() takes effect on the next tick, after the transport has added its listener.
    stream.resume();
    return socketStream(stream, outcome.accepted.opening);
  } catch (error) {
    settings.options.onHandshakeError?.(error);
    throw error;
  } finally {
    stream.off("error", ignoreError);
  }
}

/** The request's fields as flat pairs, for runtimes whose 'stream' event has no `rawHeaders`. */
function fieldPairs(fields: http2.IncomingHttpHeaders): string[] {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push(name, one);
  }
  return pairs;
}

/** Response fields for `respond`: repeated names become one array value. */
function responseFields(status: number, pairs: ReadonlyArray<readonly [string, string]>): http2.OutgoingHttpHeaders {
  const fields: http2.OutgoingHttpHeaders = { ":status": status };
  for (const [name, value] of pairs) {
    const previous = fields[name];
    fields[name] =
      previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [String(previous), value];
  }
  return fields;
}

/**
 * Refuse one stream with `error.status` and the message as a plain-text body, and return the error.
 * Only this stream ends; a stream already answered or gone is reset instead.
 */
export function refuseStream(stream: http2.ServerHttp2Stream, error: FramedError): FramedError {
  stream.on("error", ignoreError);
  if (stream.destroyed || stream.closed) return error;
  if (stream.headersSent) {
    stream.close(http2.constants.NGHTTP2_CANCEL);
    return error;
  }
  stream.respond(
    responseFields(error.status ?? 400, [
      ["content-type", "text/plain; charset=utf-8"],
      ["sec-websocket-version", "13"],
    ]),
  );
  stream.end(error.message);
  return error;
}
