/**
 * `FramedStream`: the MessageStream over a ByteTransport joined to a FramingSession, the usual case of
 * `TransportStream`.
 */
import type { Framing, FramingSession, Role } from "./framing.ts";
import type { StreamOptions } from "./message-stream.ts";
import { SessionTransport } from "./session-transport.ts";
import type { ByteTransport } from "./transport.ts";
import { TransportStream } from "./transport-stream.ts";

/** Everything needed to open a framed stream over a byte transport. */
export interface FramedStreamSetup<T> {
  transport: ByteTransport;
  framing: Framing<T>;
  /** `"client"` for outgoing connections, `"server"` for accepted ones. */
  role: Role;
  options?: StreamOptions;
  /** Bytes already read from the transport (for example after an HTTP upgrade), decoded first. */
  head?: Uint8Array;
}

/**
 * The MessageStream every byte-transport adapter returns. Adapters that need framing-specific commands
 * (WebSocket ping) reach the session through {@link FramedStream.session}.
 *
 * @example
 * ```ts
 * const stream = new FramedStream({ transport, framing: lengthPrefix(), role: "client" });
 * await stream.send(new Uint8Array([1, 2, 3]));
 * ```
 */
export class FramedStream<T> extends TransportStream<T> {
  /** The framing session; for adapters, not application code. */
  readonly session: FramingSession<T>;

  constructor(setup: FramedStreamSetup<T>) {
    const transport = new SessionTransport(setup);
    super(transport, setup.framing.name, setup.options);
    this.session = transport.session;
  }
}
