/**
 * What a `Connection` is made from: its transport, framing and role, and the options shared by every
 * connection of a listener.
 */
import type { Framing, Role } from "./framing.ts";
import type { StreamOptions } from "./message-stream.ts";
import type { Timers } from "./timers.ts";
import type { ByteTransport } from "./transport.ts";

/** Bytes of decoded messages held for a slow reader before reading is paused: 1 MiB. */
export const DEFAULT_READABLE_HIGH_WATER_MARK = 1024 * 1024;

/** Milliseconds a graceful close waits for the peer before tearing down ({@link StreamOptions.closeTimeout}). */
export const DEFAULT_CLOSE_TIMEOUT = 5000;

/** Keep-alive: ping after `interval` quiet ms; a peer that sends nothing for `timeout` ms after it is dead. */
export interface KeepAlive {
  interval: number;
  timeout: number;
}

/** {@link StreamOptions} plus what adapters set for a connection: keep-alive, and the clock's time source. */
export interface ConnectionOptions extends StreamOptions {
  /** Ping (through the session's `ping`) when quiet; fail with `TIMEOUT` when the ping goes unanswered. */
  keepAlive?: KeepAlive | null;
  /** Where deadlines read the time and set their timer (tests inject their own). */
  timers?: Timers;
}

/** What a connection made without options reads: shared, never written. */
export const NO_OPTIONS: ConnectionOptions = Object.freeze({});

/** Everything needed to open a connection over a byte transport. */
export interface ConnectionSetup<T> {
  transport: ByteTransport;
  framing: Framing<T>;
  /** `"client"` for outgoing connections, `"server"` for accepted ones. */
  role: Role;
  /** Shared by every connection of a listener: read, never copied. */
  options?: ConnectionOptions;
  /** Bytes already read from the transport (after an HTTP upgrade, say), decoded first. */
  head?: Uint8Array;
}
