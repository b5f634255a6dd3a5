/**
 * A WebSocket connection over framed's own protocol core (Node, Deno and Bun sockets, HTTP/2 streams alike):
 * core's `Connection` plus what the handshake agreed (`protocol`, `extensions`, `request`, `response`), pings
 * with their round-trip time, and per-message compression. Keep-alive is an option of the connection's clock.
 */
import { Connection, type ConnectionSetup, FramedError, type FramedStream } from "@framed/core";
import type { DeflateParams } from "../deflate/params.ts";
import type { UpgradeResponse } from "../handshake/client-handshake.ts";
import { parseRequestHead } from "../handshake/http-head.ts";
import { type UpgradeRequest, validateUpgradeRequest } from "../handshake/server-handshake.ts";
import type { ControlFrameObserver, WebSocketSession } from "../protocol/session-types.ts";
import { PingTracker } from "./ping-tracker.ts";

/** A WebSocket message: text as a string, binary as bytes. */
export type WebSocketMessage = string | Uint8Array;

/** A WebSocket connection as a message stream. */
export interface WebSocketMessageStream extends FramedStream<WebSocketMessage> {
  /** The subprotocol the server chose, "" for none. */
  readonly protocol: string;
  /** The agreed `Sec-WebSocket-Extensions` value, "" for none. */
  readonly extensions: string;
  /** The agreed permessage-deflate parameters, or null. */
  readonly deflate: DeflateParams | null;
  /** Client streams: the server's 101 (status, reason, headers). Undefined on a server's stream. */
  readonly response: UpgradeResponse | undefined;
  /**
   * Send a ping (payload up to 125 bytes) and resolve with the round-trip time in milliseconds once the
   * peer's pong with the same payload arrives (a pong for a later ping answers the earlier ones too, as
   * RFC 6455 lets a peer answer only the latest). Rejects with `FramedError` `CLOSED` when the stream
   * is or becomes closed first, or with a RangeError for a payload over 125 bytes. Not awaiting it is safe.
   *
   * @example
   * ```ts
   * const ms = await stream.ping();
   * ```
   */
  ping(payload?: Uint8Array | string): Promise<number>;
  /** Call `listener` with each ping's payload from the peer (already answered). Returns an unsubscribe function. */
  onPing(listener: (payload: Uint8Array) => void): () => void;
  /** Call `listener` with each pong's payload from the peer, solicited or not. Returns an unsubscribe function. */
  onPong(listener: (payload: Uint8Array) => void): () => void;
  /**
   * `send` with options: `compress: false` sends this message uncompressed even where permessage-deflate was
   * agreed (data that is already compressed, or a message where latency matters more than bytes).
   *
   * @example
   * ```ts
   * await stream.send(jpegBytes, { compress: false });
   * ```
   */
  send(message: WebSocketMessage, options?: SendOptions): Promise<void>;
}

/** Options of {@link WebSocketMessageStream.send}. */
export interface SendOptions {
  /** `false`: never compress this message. Default: compress when deflate was agreed and it is over `compressionThreshold`. */
  compress?: boolean;
}

/** A connection accepted by a server: also the upgrade request it came with. */
export interface ServerWebSocketStream extends WebSocketMessageStream {
  readonly request: UpgradeRequest;
}

/** What the handshake agreed, for {@link WebSocketConnection}. */
export interface Agreement {
  protocol: string;
  extensions: string;
  deflate: DeflateParams | null;
  /** The server's 101, on a client. */
  upgradeResponse?: UpgradeResponse;
}

/**
 * Core's `Connection` plus the handshake's results and `ping()`. A subclass rather than a wrapper: one object
 * per connection, and nothing to forward.
 *
 * @example
 * ```ts
 * const setup = { transport: nodeStreamTransport(socket, socket), framing, role: "server", head } as const;
 * const stream = new WebSocketConnection(setup, agreement, request);
 * ```
 */
export class WebSocketConnection
  extends Connection<WebSocketMessage>
  implements ServerWebSocketStream, ControlFrameObserver
{
  readonly protocol: string;
  readonly extensions: string;
  readonly deflate: DeflateParams | null;
  readonly response: UpgradeResponse | undefined;
  /** Made at the first ping or listener: most connections never ask. */
  private pings: PingTracker | undefined;

  constructor(
    setup: ConnectionSetup<WebSocketMessage>,
    agreement: Agreement,
    /**
     * The upgrade request, or the text of its head when nothing outside the handshake saw the parsed
     * request: an idle connection then keeps one string instead of a header list (see `requestToKeep`).
     */
    private upgradeRequest?: UpgradeRequest | string,
  ) {
    super(setup);
    this.protocol = agreement.protocol;
    this.extensions = agreement.extensions;
    this.deflate = agreement.deflate;
    this.response = agreement.upgradeResponse;
    (this.session as WebSocketSession).observeControlFrames(this);
  }

  /** The upgrade request (server side). Throws on a client stream, which has none. */
  get request(): UpgradeRequest {
    if (this.upgradeRequest === undefined) throw new TypeError("a client WebSocket stream has no upgrade request");
    // The head was validated during the handshake, so parsing it again cannot fail.
    if (typeof this.upgradeRequest === "string")
      this.upgradeRequest = validateUpgradeRequest(parseRequestHead(this.upgradeRequest));
    return this.upgradeRequest;
  }

  ping(payload?: Uint8Array | string): Promise<number> {
    const pings = (this.pings ??= new PingTracker());
    return pings.track(payload, (bytes) => (this.session as WebSocketSession).ping(bytes));
  }

  onPing(listener: (payload: Uint8Array) => void): () => void {
    return (this.pings ??= new PingTracker()).listen("ping", listener);
  }

  onPong(listener: (payload: Uint8Array) => void): () => void {
    return (this.pings ??= new PingTracker()).listen("pong", listener);
  }

  override send(message: WebSocketMessage, options?: SendOptions): Promise<void> {
    if (options?.compress !== false) return super.send(message);
    // super.send reaches session.send synchronously, so the flag covers this message only.
    const session = this.session as WebSocketSession & { compressNext?: boolean };
    session.compressNext = false;
    try {
      return super.send(message);
    } finally {
      session.compressNext = true;
    }
  }

  /** The peer pinged (see `ControlFrameObserver`). */
  peerPing(payload: Uint8Array): void {
    this.pings?.peerPing(payload);
  }

  /** The peer ponged (see `ControlFrameObserver`). */
  peerPong(payload: Uint8Array): void {
    this.pings?.peerPong(payload);
  }

  /** Pending pings fail once the connection is gone. */
  override transportClosed(error?: unknown): void {
    super.transportClosed(error);
    // A failure's close frame still owed (the reader never came back before closeTimeout) can no longer go out.
    (this.session as WebSocketSession).abandonOutput();
    this.pings?.closed(new FramedError("CLOSED", "the WebSocket closed before the peer answered the ping"));
  }
}
