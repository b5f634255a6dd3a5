/**
 * The MessageStream a WebSocket connection over our own protocol core is (Node and Deno sockets alike):
 * core's framed stream plus what the handshake agreed (`protocol`, `extensions`, `request`) and `ping()`.
 */
import { FramedStream, type FramedStreamSetup, type MessageStream } from "@framed/core";
import type { DeflateParams } from "../deflate/params.ts";
import { parseRequestHead } from "../handshake/http-head.ts";
import { type UpgradeRequest, validateUpgradeRequest } from "../handshake/server-handshake.ts";
import type { WebSocketSession } from "../protocol/session.ts";

/** A WebSocket message: text as a string, binary as bytes. */
export type WebSocketMessage = string | Uint8Array;

/** A WebSocket connection as a message stream. */
export interface WebSocketMessageStream extends MessageStream<WebSocketMessage> {
  /** The subprotocol the server chose, "" for none. */
  readonly protocol: string;
  /** The agreed `Sec-WebSocket-Extensions` value, "" for none. */
  readonly extensions: string;
  /** The agreed permessage-deflate parameters, or null. */
  readonly deflate: DeflateParams | null;
  /**
   * Send a ping (payload up to 125 bytes). The peer's pong counts as activity for keep-alive.
   * Throws `FramedError` `CLOSED` after the stream closed.
   */
  ping(payload?: Uint8Array | string): void;
}

/** A connection accepted by a server: also the upgrade request it came with. */
export interface ServerWebSocketStream extends WebSocketMessageStream {
  readonly request: UpgradeRequest;
}

/** What the handshake agreed, for {@link WebSocketStream}. */
export interface Agreement {
  protocol: string;
  extensions: string;
  deflate: DeflateParams | null;
}

/**
 * Core's framed stream over a socket or `Deno.Conn`, plus the handshake's results and `ping()`. A
 * subclass rather than a wrapper: one object per connection, and nothing to forward.
 *
 * @example
 * ```ts
 * const setup = { transport: nodeStreamTransport(socket, socket), framing, role: "server", head } as const;
 * const stream = new WebSocketStream(setup, agreement, request);
 * ```
 */
export class WebSocketStream extends FramedStream<WebSocketMessage> implements ServerWebSocketStream {
  readonly protocol: string;
  readonly extensions: string;
  readonly deflate: DeflateParams | null;

  constructor(
    setup: FramedStreamSetup<WebSocketMessage>,
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
  }

  /** The upgrade request (server side). Throws on a client stream, which has none. */
  get request(): UpgradeRequest {
    if (this.upgradeRequest === undefined) throw new TypeError("a client WebSocket stream has no upgrade request");
    // The head was validated during the handshake, so parsing it again cannot fail.
    if (typeof this.upgradeRequest === "string")
      this.upgradeRequest = validateUpgradeRequest(parseRequestHead(this.upgradeRequest));
    return this.upgradeRequest;
  }

  ping(payload?: Uint8Array | string): void {
    (this.session as WebSocketSession).ping(payload);
  }
}
