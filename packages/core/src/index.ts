/**
 * `@framed/core`: the runtime-neutral part: the framing contract, MessageStream, errors, limits.
 */
export { type HostAddress, hostOf } from "./address.ts";
export { allocateUninitialized, ByteQueue } from "./byte-queue.ts";
export { Connection } from "./connection.ts";
export {
  type ConnectionOptions,
  type ConnectionSetup,
  DEFAULT_READABLE_HIGH_WATER_MARK,
  type KeepAlive,
} from "./connection-setup.ts";
export { FramedStream } from "./deprecated.ts";
export {
  FramedError,
  type FramedErrorCode,
  type FramedErrorDetails,
  isFramedError,
  toTransportError,
} from "./errors.ts";
export type {
  Framing,
  FramingSession,
  MessageOf,
  Role,
  SessionContext,
  SessionEnd,
  SessionSink,
  SharedEncoding,
} from "./framing.ts";
export { checkSizeOption, DEFAULT_MAX_MESSAGE_SIZE } from "./limits.ts";
export {
  type CloseWatcher,
  type HandlerWatcher,
  type Listener,
  type ListenOptions,
  type StreamHandler,
  StreamRegistry,
  watchClose,
  watchConsumed,
} from "./listener.ts";
export { asJson, asText, type MessageCodec, mapMessages } from "./map-messages.ts";
export type {
  CloseInfo,
  CloseOptions,
  MessageStream,
  ReadyState,
  StreamOptions,
} from "./message-stream.ts";
export { type Backoff, type BackoffOptions, backoffDelay, resolveBackoff } from "./reconnecting/backoff.ts";
export { type ReconnectClock, systemClock } from "./reconnecting/clock.ts";
export { MAX_UNREAD_CONNECTIONS, Reconnected } from "./reconnecting/connection-reader.ts";
export {
  environmentHints,
  type HintScope,
  type NetworkHint,
  type NetworkHints,
} from "./reconnecting/network-hints.ts";
export {
  type AttemptInfo,
  defaultShouldReconnect,
  type OpenConnection,
  type ReconnectOptions,
  type ReconnectQuestion,
  type ReconnectSendOptions,
  type SendResult,
} from "./reconnecting/options.ts";
export { type OutboxOptions, type OutboxPolicy, utf8Length } from "./reconnecting/outbox.ts";
export { reconnecting } from "./reconnecting/reconnecting.ts";
export type { ReconnectingStream } from "./reconnecting/reconnecting-stream.ts";
export { type DisconnectCause, MAX_BUFFERED_STATES, type ReconnectState } from "./reconnecting/state.ts";
export { sessionEncoding } from "./shared-encoding.ts";
export { systemTimers, type Timers } from "./timers.ts";
export { type ConnectTlsOptions, type ListenTlsOptions, trustedCertificates } from "./tls-options.ts";
export type { ByteTransport, TransportEvents } from "./transport.ts";
export { encodeUtf8 } from "./utf8.ts";
export { type SlabTarget, WRITE_SLAB_SIZE, WriteSlab } from "./write-slab.ts";
