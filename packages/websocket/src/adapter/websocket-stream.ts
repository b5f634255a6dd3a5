/**
 * The MessageStream a WebSocket connection over our own protocol core is (Node and Deno sockets alike):
 * core's framed stream plus what the handshake agreed (`protocol`, `extensions`, `request`) and `ping()`.
 */
import {
  type CloseInfo,
  type CloseOptions,
  type CloseWatcher,
  type FramedError,
  type FramedStream,
  type MessageStream,
  watchClose,
} from "@framed/core";
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
 * Forwards the MessageStream members to core's stream and adds the handshake's results.
 *
 * @example
 * ```ts
 * const stream = new WebSocketStream(wrap(socket, framing, { role: "server", head }), agreement, request);
 * const lean = new WebSocketStream(wrap(socket, framing, { role: "server", head }), agreement, headText);
 * ```
 */
export class WebSocketStream implements ServerWebSocketStream {
  readonly framing: string;
  readonly protocol: string;
  readonly extensions: string;
  readonly deflate: DeflateParams | null;

  constructor(
    private readonly inner: FramedStream<WebSocketMessage>,
    agreement: Agreement,
    /**
     * The upgrade request, or the text of its head when nothing outside the handshake saw the parsed
     * request: an idle connection then keeps one string instead of a header list (see `requestWasShared`).
     */
    private upgradeRequest?: UpgradeRequest | string,
  ) {
    this.framing = inner.framing;
    this.protocol = agreement.protocol;
    this.extensions = agreement.extensions;
    this.deflate = agreement.deflate;
  }

  get closed(): Promise<CloseInfo> {
    return this.inner.closed;
  }

  /** @internal A listener's registry watches the inner stream, which reports this one. */
  [watchClose](watcher: CloseWatcher, reportAs: object): void {
    this.inner[watchClose](watcher, reportAs);
  }

  /** The upgrade request (server side). Throws on a client stream, which has none. */
  get request(): UpgradeRequest {
    if (this.upgradeRequest === undefined) throw new TypeError("a client WebSocket stream has no upgrade request");
    // The head was validated during the handshake, so parsing it again cannot fail.
    if (typeof this.upgradeRequest === "string")
      this.upgradeRequest = validateUpgradeRequest(parseRequestHead(this.upgradeRequest));
    return this.upgradeRequest;
  }

  send(message: WebSocketMessage): Promise<void> {
    return this.inner.send(message);
  }

  close(options?: CloseOptions): Promise<CloseInfo> {
    return this.inner.close(options);
  }

  abort(reason?: unknown): void {
    this.inner.abort(reason);
  }

  ping(payload?: Uint8Array | string): void {
    (this.inner.session as WebSocketSession).ping(payload);
  }

  get readable(): ReadableStream<WebSocketMessage> {
    return this.inner.readable;
  }

  get writable(): WritableStream<WebSocketMessage> {
    return this.inner.writable;
  }

  onWarning(listener: (error: FramedError) => void): () => void {
    return this.inner.onWarning(listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<WebSocketMessage> {
    return this.inner[Symbol.asyncIterator]();
  }
}
