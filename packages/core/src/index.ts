/**
 * `@framed/core`: the runtime-neutral part: the framing contract, MessageStream, errors, limits.
 */
export { allocateUninitialized, ByteQueue } from "./byte-queue.ts";
export {
  FramedError,
  type FramedErrorCode,
  type FramedErrorDetails,
  isFramedError,
  toTransportError,
} from "./errors.ts";
export { FramedStream, type FramedStreamSetup } from "./framed-stream.ts";
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
export type { CloseInfo, CloseOptions, MessageStream, StreamOptions } from "./message-stream.ts";
export type { MessageTransport, MessageTransportEvents } from "./message-transport.ts";
export { SessionTransport, type SessionTransportSetup } from "./session-transport.ts";
export { sessionEncoding } from "./shared-encoding.ts";
export type { ByteTransport, TransportEvents } from "./transport.ts";
export { TransportStream } from "./transport-stream.ts";
export { encodeUtf8, encodeUtf8InSlab } from "./utf8.ts";
export { currentSlab, reserveSlab, sendFromSlab, takeSlabBytes, WRITE_SLAB_SIZE } from "./write-slab.ts";
