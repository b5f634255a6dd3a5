/**
 * The public face of a WebSocket framing session: the core session contract plus pings, pongs, control-frame
 * observation and the close-handshake state. WebSocketProtocolSession (session.ts) implements it.
 */
import type { FramingSession } from "@framed/core";

/** Where a session is in the close handshake. */
export type WebSocketState = "open" | "closing" | "closed";

/** Told about control frames from the peer (see {@link WebSocketSession.observeControlFrames}). */
export interface ControlFrameObserver {
  /** The peer pinged (the pong is already written, while the session is open). `payload` is a copy. */
  peerPing(payload: Uint8Array): void;
  /** The peer sent a pong, solicited or not. `payload` is a copy. */
  peerPong(payload: Uint8Array): void;
}

/** A WebSocket framing session: the core contract plus pings and the close-handshake state. */
export interface WebSocketSession extends FramingSession<string | Uint8Array> {
  /**
   * Like `send`; `compress: false` sends this message uncompressed even where permessage-deflate was agreed
   * (already-compressed data, or latency-sensitive messages).
   */
  send(message: string | Uint8Array, compress?: boolean): void;
  /** The connection is gone: forget a close frame still owed (nothing can be written) and release deflate state. */
  abandonOutput(): void;
  /** Watch the peer's pings and pongs (one observer; `undefined` stops). */
  observeControlFrames(observer: ControlFrameObserver | undefined): void;
  /** Send a ping (payload ≤ 125 bytes). Throws `FramedError` `CLOSED` once a close frame was sent. */
  ping(payload?: Uint8Array | string): void;
  /** Send an unsolicited pong (a one-way heartbeat). Throws like {@link ping}. */
  pong(payload?: Uint8Array | string): void;
  /** `open`; `closing` after our close frame, awaiting the peer's; `closed` after the session ended. */
  readonly state: WebSocketState;
}
