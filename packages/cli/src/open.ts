/**
 * Opening a connection or a listener for an endpoint, with the framing flags turned into each framing's
 * options, and every stream seen as a stream of `string | Uint8Array` (NDJSON values as their JSON text).
 * The framing packages are imported here, lazily, only for the framing in use.
 */
import { FramedError, type MessageStream, mapMessages } from "@framed/core";
import type { Endpoint } from "./endpoint.ts";
import { CliError, EXIT } from "./exit-codes.ts";
import type { FramingFlags } from "./options.ts";

/** What the CLI carries: text, or bytes it prints safely. */
export type Message = string | Uint8Array;

/** A connection as the commands hold it. */
export interface Peer {
  /** The stream, sending and receiving `Message`s whatever the framing. */
  stream: MessageStream<Message>;
  /** Where it goes, for messages. */
  label: string;
  /** What the WebSocket handshake agreed ("" for none, and for other framings). */
  agreed: { protocol: string; extensions: string };
}

/** A listening endpoint. */
export interface PeerListener {
  /** `ws://127.0.0.1:8080/` or `newline 127.0.0.1:9000`. */
  label: string;
  port: number;
  close(): Promise<void>;
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

function toText(message: Message): string {
  return typeof message === "string" ? message : utf8.decode(message);
}

function toJson(message: Message): unknown {
  const text = toText(message);
  try {
    return JSON.parse(text);
  } catch {
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new FramedError("INVALID_JSON", `not JSON, cannot send it as NDJSON: ${JSON.stringify(shown)}`);
  }
}

/** Turn a framing's own stream into a stream of `Message`s, converting what is sent to what it carries. */
function asMessages(stream: MessageStream<unknown>, endpoint: Endpoint, flags: FramingFlags): MessageStream<Message> {
  switch (endpoint.framing) {
    case "websocket":
      return mapMessages(stream as MessageStream<Message>, {
        decode: (message) => message,
        encode: (message) => (flags.binaryOut && typeof message === "string" ? encoder.encode(message) : message),
      });
    case "newline":
      return mapMessages(stream as MessageStream<string>, { decode: (line) => line, encode: toText });
    case "ndjson":
      return mapMessages(stream, { decode: (value) => JSON.stringify(value), encode: toJson });
    case "length-prefix":
      return mapMessages(stream as MessageStream<Uint8Array>, {
        decode: (bytes) => bytes,
        encode: (message) => (typeof message === "string" ? encoder.encode(message) : message),
      });
  }
}

/**
 * Decoded messages a stream holds for a slow consumer (stdout, or the other side of a bridge) before it
 * pauses its socket. Few, because each may be up to --max-message-size bytes: per connection and direction
 * the CLI holds at most this many messages, plus 1 MiB waiting for a slow peer (the writable high-water mark).
 */
export const READ_AHEAD_MESSAGES = 16;

function lengthPrefixOptions(flags: FramingFlags) {
  return {
    readableHighWaterMark: READ_AHEAD_MESSAGES,
    header: flags.lengthHeader,
    lengthFieldOffset: flags.lengthFieldOffset,
    lengthAdjustment: flags.lengthAdjustment,
    lengthIncludesHeader: flags.lengthIncludesHeader || undefined,
    initialBytesToStrip: flags.initialBytesToStrip,
    maxMessageSize: flags.maxMessageSize,
  };
}

function lineOptions(flags: FramingFlags) {
  return {
    readableHighWaterMark: READ_AHEAD_MESSAGES,
    delimiter: flags.delimiter,
    maxMessageSize: flags.maxMessageSize,
  };
}

/** Bad framing flags (a geometry the framing refuses) are usage errors, not connection failures. */
function optionError(error: unknown): unknown {
  if (error instanceof RangeError || error instanceof TypeError) {
    return new CliError(EXIT.USAGE, `bad option: ${error.message}`, { cause: error });
  }
  return error;
}

/**
 * Connect to `endpoint`. Rejects with the framing's FramedError (CONNECT_FAILED, HANDSHAKE_FAILED, TIMEOUT).
 *
 * @example
 * ```ts
 * const { stream } = await openConnection(parseEndpoint("ws://127.0.0.1:8080"), flags, 10_000);
 * // WebSocket only: `onControlFrame` sees each ping and pong the peer sends.
 * ```
 */
export async function openConnection(
  endpoint: Endpoint,
  flags: FramingFlags,
  timeout: number,
  onControlFrame?: (kind: "ping" | "pong", payload: Uint8Array) => void,
): Promise<Peer> {
  const address = { host: endpoint.host, port: endpoint.port };
  const label = endpoint.url ?? `${endpoint.host}:${endpoint.port}`;
  let opening: Promise<MessageStream<unknown>>;
  try {
    if (endpoint.framing === "websocket") {
      const { connect } = await import("@framed/websocket/node");
      opening = connect(endpoint.url as string, {
        readableHighWaterMark: READ_AHEAD_MESSAGES,
        protocols: flags.protocols,
        headers: flags.headers,
        deflate: flags.deflate ?? true,
        keepAlive: flags.pingInterval,
        maxMessageSize: flags.maxMessageSize,
        handshakeTimeout: timeout,
        tls: flags.insecure ? { rejectUnauthorized: false } : undefined,
        onControlFrame,
      });
    } else if (endpoint.framing === "length-prefix") {
      const { connect } = await import("@framed/length-prefix/node");
      opening = connect(address, lengthPrefixOptions(flags));
    } else {
      const { connect, ndjson } = await import("@framed/newline/node");
      opening =
        endpoint.framing === "ndjson"
          ? ndjson.connect(address, lineOptions(flags))
          : connect(address, lineOptions(flags));
    }
  } catch (error) {
    throw optionError(error);
  }
  const stream = await withTimeout(opening, timeout, label);
  const { protocol = "", extensions = "" } = stream as { protocol?: string; extensions?: string };
  return { stream: asMessages(stream, endpoint, flags), label, agreed: { protocol, extensions } };
}

/** TCP framings have no handshake timeout of their own: give up on a connection that hangs (a dropped SYN). */
function withTimeout<T extends MessageStream<unknown>>(opening: Promise<T>, ms: number, label: string): Promise<T> {
  if (ms <= 0) return opening;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new FramedError("TIMEOUT", `no connection to ${label} within ${ms} ms`));
      opening.then(
        (stream) => stream.abort(),
        () => {},
      );
    }, ms);
    opening.then(
      (stream) => {
        clearTimeout(timer);
        resolve(stream);
      },
      (error) => {
        clearTimeout(timer);
        reject(optionError(error));
      },
    );
  });
}

/**
 * Listen on `endpoint` and call `onPeer` with each accepted connection.
 *
 * @example
 * ```ts
 * const listener = await openListener(parseEndpoint("8080", { framing: "websocket" }), flags, (peer) => echo(peer));
 * ```
 */
export async function openListener(
  endpoint: Endpoint,
  flags: FramingFlags,
  onPeer: (peer: Peer) => void,
): Promise<PeerListener> {
  const address = { host: endpoint.host, port: endpoint.port };
  const accept = (stream: MessageStream<unknown>, remote: string) => {
    const { protocol = "", extensions = "" } = stream as { protocol?: string; extensions?: string };
    onPeer({ stream: asMessages(stream, endpoint, flags), label: remote, agreed: { protocol, extensions } });
  };
  const remoteOf = (socket: { remoteAddress?: string; remotePort?: number }) =>
    `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
  try {
    if (endpoint.framing === "websocket") {
      const { listen } = await import("@framed/websocket/node");
      const listener = await listen(address, (stream, socket) => accept(stream, remoteOf(socket)), {
        readableHighWaterMark: READ_AHEAD_MESSAGES,
        protocols: flags.protocols,
        headers: flags.headers,
        deflate: flags.deflate ?? false,
        keepAlive: flags.pingInterval,
        maxMessageSize: flags.maxMessageSize,
        path: endpoint.path === "/" ? undefined : endpoint.path.replace(/\?.*$/, ""),
      });
      return { label: listener.url, port: listener.address.port, close: () => listener.close().then(() => {}) };
    }
    let listener: { address: { host: string; port: number }; close(): Promise<unknown> };
    if (endpoint.framing === "length-prefix") {
      const { listen } = await import("@framed/length-prefix/node");
      listener = await listen(
        address,
        (stream, socket) => accept(stream, remoteOf(socket)),
        lengthPrefixOptions(flags),
      );
    } else {
      const { listen, ndjson } = await import("@framed/newline/node");
      listener =
        endpoint.framing === "ndjson"
          ? await ndjson.listen(address, (stream, socket) => accept(stream, remoteOf(socket)), lineOptions(flags))
          : await listen(address, (stream, socket) => accept(stream, remoteOf(socket)), lineOptions(flags));
    }
    const host = listener.address.host.includes(":") ? `[${listener.address.host}]` : listener.address.host;
    return {
      label: `${endpoint.framing} ${host}:${listener.address.port}`,
      port: listener.address.port,
      close: () => listener.close().then(() => {}),
    };
  } catch (error) {
    throw optionError(error);
  }
}
