/**
 * WebSocketProtocolSession: one connection's RFC 6455 state machine, sans-I/O. Frames from the
 * FrameReader become messages (reassembled, inflated, UTF-8 checked), pings become pongs, the close
 * handshake runs to its end, and every failure becomes one close code via the table in close-codes.ts.
 *
 * ```text
 *   open ──close()──▶ closing ──peer's close / EOF──▶ closed
 *     │                                                  ▲
 *     └──── peer's close (echoed) / error (close sent) / EOF ─┘
 * ```
 */
import {
  encodeUtf8,
  FramedError,
  type Role,
  type SessionEnd,
  type SessionSink,
  type SharedEncoding,
} from "@framed/core";
import {
  CloseCode,
  checkCloseArguments,
  closeCodeFor,
  dataFrameOrderError,
  decodeClosePayload,
  encodeClosePayload,
  MAX_CLOSE_REASON_BYTES,
  protocolError,
  truncateUtf8,
} from "./close-codes.ts";
import { controlPayload, Opcode } from "./frame-header.ts";
import { type FrameHandler, FrameReader } from "./frame-reader.ts";
import { FrameWriter } from "./frame-writer.ts";
import { maskInPlace, unmaskedCopy, unmaskInto, unmaskTransient } from "./mask.ts";
import { MessageBuffer } from "./message-buffer.ts";
import { MessageCompression } from "./message-compression.ts";
import type { ResolvedOptions } from "./options.ts";
import type { ControlFrameObserver, WebSocketSession, WebSocketState } from "./session-types.ts";
import { decodeUtf8, decodeValidatedUtf8, Utf8Validator } from "./utf8.ts";

export class WebSocketProtocolSession implements WebSocketSession, FrameHandler {
  private readonly reader: FrameReader;
  private readonly writer: FrameWriter;
  private currentState: WebSocketState = "open";

  // The message being received.
  /** Its opcode (text or binary), 0 between messages. */
  private messageOpcode = 0;
  private messageCompressed = false;
  private fragments = 0;
  /** Payload bytes its frame headers announced so far (compressed bytes for a compressed message). */
  private announced = 0;
  /** FIN of the data frame being read. */
  private frameFin = false;
  private readonly buffer = new MessageBuffer();
  private validator: Utf8Validator | null = null;

  /** permessage-deflate, when the handshake agreed to it. */
  private readonly compression: MessageCompression | null;
  /**
   * The close payload owed for bad input, sent by `endOutput`: until then replies to the messages decoded
   * before the bad frame may still be sent (and are, before the close frame).
   */
  private owedClose: Uint8Array | null = null;
  private controlObserver: ControlFrameObserver | undefined;
  /**
   * The default of `send`'s `compress`, for a caller that reaches `send` through a layer that passes only the
   * message (a stream's `send(message, { compress: false })` sets it around one call).
   */
  compressNext = true;

  constructor(
    private readonly sink: SessionSink<string | Uint8Array>,
    role: Role,
    private readonly options: ResolvedOptions,
    /** This connection's encode-once encoder (see `serverSharedEncoding` in server-encoding.ts); undefined: none. */
    readonly sharedEncoding?: SharedEncoding<string | Uint8Array>,
  ) {
    const { deflate, compressor } = options;
    // resolveOptions gives a compressor whenever deflate was agreed, or refuses.
    this.compression =
      deflate === null || compressor === null
        ? null
        : new MessageCompression(deflate, role, compressor, options.maxMessageSize);
    this.reader = new FrameReader(this, role === "server", this.compression !== null);
    this.writer = new FrameWriter(sink, role === "client", options.slab);
  }

  get state(): WebSocketState {
    return this.currentState;
  }

  // ── input ──────────────────────────────────────────────────────────────

  receive(chunk: Uint8Array): void {
    if (this.currentState !== "closed") this.reader.read(chunk);
  }

  /** A frame has begun and not ended, or a fragmented message awaits its next fragment. */
  get midMessage(): boolean {
    return this.currentState !== "closed" && (this.reader.inFrame || this.messageOpcode !== 0);
  }

  receiveEnd(): void {
    if (this.currentState === "closed") return;
    const error = this.midMessage
      ? new FramedError("TRUNCATED", "the connection ended inside a WebSocket frame or message, without a close frame")
      : new FramedError(
          "CONNECTION_RESET",
          this.currentState === "closing"
            ? "the connection ended before the peer answered our close frame"
            : "the connection ended without a WebSocket close frame",
        );
    this.finish({ error, code: CloseCode.ABNORMAL });
  }

  dataFrameStart(opcode: number, fin: boolean, rsv1: boolean, length: number): void {
    const outOfOrder = dataFrameOrderError(opcode === Opcode.CONTINUATION, rsv1, this.messageOpcode !== 0);
    if (outOfOrder !== null) {
      this.fail(outOfOrder);
      return;
    }
    if (opcode !== Opcode.CONTINUATION) {
      this.messageOpcode = opcode;
      this.messageCompressed = rsv1;
      this.fragments = 0;
      this.announced = 0;
    }
    if (++this.fragments > this.options.maxFragments) {
      this.fail(
        protocolError(
          "POLICY_VIOLATION",
          `a message arrived in more than ${this.options.maxFragments} fragments (maxFragments)`,
        ),
      );
      return;
    }
    const total = this.announced + length;
    const limit = this.messageCompressed
      ? (this.compression as MessageCompression).maxCompressedSize
      : this.options.maxMessageSize;
    if (total > limit) {
      this.fail(
        protocolError(
          "MESSAGE_TOO_LARGE",
          `a ${this.messageCompressed ? "compressed " : ""}message of at least ${total} bytes exceeds maxMessageSize (${this.options.maxMessageSize})`,
        ),
      );
      return;
    }
    this.announced = total;
    this.frameFin = fin;
  }

  dataFrameBytes(bytes: Uint8Array, frameDone: boolean, mask: Uint8Array | null, phase: number): void {
    const messageDone = frameDone && this.frameFin;
    if (this.messageCompressed) {
      this.inflatePiece(bytes, mask, phase, messageDone);
      return;
    }
    if (messageDone && phase === 0 && this.fragments === 1) {
      // The whole message in one piece: no buffering, a native UTF-8 check, a view or one copy.
      const opcode = this.messageOpcode;
      this.messageOpcode = 0;
      let payload = bytes;
      if (mask !== null && this.options.unmaskInPlace) maskInPlace(payload, mask, 0);
      else if (mask !== null)
        payload = opcode === Opcode.TEXT ? unmaskTransient(bytes, mask, 0) : unmaskedCopy(bytes, mask, 0);
      if (opcode === Opcode.TEXT) this.deliverText(payload);
      else this.sink.message(payload);
      return;
    }
    if (bytes.length > 0) {
      const finalSize = this.frameFin ? this.announced : this.options.maxMessageSize;
      const region = this.buffer.extend(bytes.length, finalSize, this.frameFin);
      if (mask === null) region.set(bytes);
      else unmaskInto(bytes, region, mask, phase);
      if (this.messageOpcode === Opcode.TEXT && !this.validateText(region)) return;
    }
    if (messageDone && this.currentState !== "closed") this.finishMessage();
  }

  controlFrame(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.PING) {
      if (this.currentState === "open") this.writer.frame(Opcode.PONG, payload);
      this.options.onControlFrame?.("ping", payload);
      this.controlObserver?.peerPing(payload);
    } else if (opcode === Opcode.CLOSE) {
      this.peerClosed(payload);
    } else {
      // A pong needs no answer: solicited or not, it proves the peer alive; the observer matches it to a ping.
      this.options.onControlFrame?.("pong", payload);
      this.controlObserver?.peerPong(payload);
    }
  }

  observeControlFrames(observer: ControlFrameObserver | undefined): void {
    this.controlObserver = observer;
  }

  frameError(error: FramedError): void {
    this.fail(error);
  }

  // ── output ─────────────────────────────────────────────────────────────

  send(message: string | Uint8Array, compress = this.compressNext): void {
    if (this.owedClose === null) this.checkOpen("send");
    let opcode: number;
    let payload: Uint8Array;
    if (typeof message === "string") {
      opcode = Opcode.TEXT;
      payload = encodeUtf8(message, this.options.slab);
    } else if (message instanceof Uint8Array) {
      opcode = Opcode.BINARY;
      payload = message;
    } else {
      throw new FramedError("INVALID_MESSAGE", "a WebSocket message is a string (text) or a Uint8Array (binary)");
    }
    if (this.compression === null || !compress || payload.length < this.options.compressionThreshold) {
      this.writer.frame(opcode, payload);
      return;
    }
    let compressed: Uint8Array;
    try {
      compressed = this.compression.compress(payload);
    } catch (error) {
      // A FramedError: MessageCompression converts whatever the compressor threw.
      this.fail(error as FramedError);
      throw error;
    }
    this.writer.frame(opcode, compressed, true);
  }

  /** Write a frame `sharedEncoding` made; refused once our close frame is out, as `send` is. */
  sendEncoded(bytes: Uint8Array): void {
    this.checkOpen("send");
    this.sink.write(bytes);
  }

  ping(payload?: Uint8Array | string): void {
    this.checkOpen("ping");
    this.writer.frame(Opcode.PING, controlPayload(payload, "ping"));
  }

  pong(payload?: Uint8Array | string): void {
    this.checkOpen("pong");
    this.writer.frame(Opcode.PONG, controlPayload(payload, "pong"));
  }

  close(code: number = CloseCode.NORMAL, reason = ""): boolean {
    if (this.currentState === "closed") {
      this.endOutput();
      return false;
    }
    if (this.currentState === "closing") return true;
    checkCloseArguments(code, reason);
    this.writer.frame(Opcode.CLOSE, encodeClosePayload(code, reason));
    this.currentState = "closing";
    return true;
  }

  /** Send the close frame owed for bad input (see `fail`), after whatever replies were sent before it. */
  endOutput(): void {
    const payload = this.owedClose;
    if (payload === null) return;
    this.owedClose = null;
    this.writer.frame(Opcode.CLOSE, payload);
    this.compression?.dispose();
  }

  abandonOutput(): void {
    if (this.owedClose === null) return;
    this.owedClose = null;
    this.compression?.dispose();
  }

  // ── internals ──────────────────────────────────────────────────────────

  private checkOpen(action: string): void {
    if (this.currentState !== "open") {
      throw new FramedError(
        "CLOSED",
        `cannot ${action}: the WebSocket is ${this.currentState === "closing" ? "closing (our close frame was sent)" : "closed"}`,
      );
    }
  }

  private deliverText(bytes: Uint8Array): void {
    const text = decodeUtf8(bytes);
    if (text === null) this.fail(protocolError("INVALID_UTF8", "a text message is not valid UTF-8"));
    else this.sink.message(text);
  }

  /** Check the next bytes of a text message; fails the session (1007) at the first impossible byte. */
  private validateText(bytes: Uint8Array): boolean {
    this.validator ??= new Utf8Validator();
    if (this.validator.push(bytes)) return true;
    this.validator.reset();
    this.fail(
      protocolError("INVALID_UTF8", "a text message contains invalid UTF-8 (detected before the message ended)"),
    );
    return false;
  }

  private finishMessage(): void {
    const opcode = this.messageOpcode;
    this.messageOpcode = 0;
    if (opcode !== Opcode.TEXT) {
      this.sink.message(this.buffer.take());
      return;
    }
    if (this.validator !== null && !this.validator.end()) {
      this.fail(protocolError("INVALID_UTF8", "a text message ends inside a UTF-8 sequence"));
      return;
    }
    const text = decodeValidatedUtf8(this.buffer.peek());
    this.buffer.clear();
    this.sink.message(text);
  }

  private inflatePiece(bytes: Uint8Array, mask: Uint8Array | null, phase: number, messageDone: boolean): void {
    if (messageDone && this.announced === 0) {
      // An empty compressed message: nothing to inflate (feeding the bare tail would leave zlib mid-block).
      const opcode = this.messageOpcode;
      this.messageOpcode = 0;
      this.sink.message(opcode === Opcode.TEXT ? "" : new Uint8Array(0));
      return;
    }
    if (bytes.length === 0 && !messageDone) return;
    let input = bytes;
    if (mask !== null && this.options.unmaskInPlace) maskInPlace(bytes, mask, phase);
    else if (mask !== null) input = unmaskTransient(bytes, mask, phase);
    const text = this.messageOpcode === Opcode.TEXT;
    const limit = this.options.maxMessageSize;
    try {
      // A compressed message arrives only where compression was agreed (the reader refuses RSV1 otherwise).
      (this.compression as MessageCompression).inflate(input, messageDone, limit - this.buffer.size, (piece) => {
        const region = this.buffer.append(piece, limit);
        if (text && !(this.validator ??= new Utf8Validator()).push(region)) {
          this.validator.reset();
          throw protocolError(
            "INVALID_UTF8",
            "a compressed text message contains invalid UTF-8 (detected while inflating)",
          );
        }
      });
    } catch (error) {
      this.fail(error as FramedError);
      return;
    }
    if (messageDone) this.finishMessage();
  }

  private peerClosed(payload: Uint8Array): void {
    const decoded = decodeClosePayload(payload);
    if (decoded instanceof FramedError) {
      this.fail(decoded);
      return;
    }
    const { code, reason } = decoded;
    if (this.currentState === "open") {
      // Echo the code (RFC 6455 §5.5.1); a close without one is answered with 1000, since 1005 is never sent.
      // The reason is empty unless the user chose to echo it (`echoCloseReason`); it was checked as UTF-8 above.
      const replyCode = code === CloseCode.NO_STATUS ? CloseCode.NORMAL : code;
      const replyReason = this.options.echoCloseReason && code !== CloseCode.NO_STATUS ? reason : "";
      this.writer.frame(Opcode.CLOSE, encodeClosePayload(replyCode, replyReason));
    }
    this.finish({ code, reason });
  }

  /**
   * Fail the connection: stop reading at once, and owe the error's close code (unless our close frame is
   * already out). The close frame is written by `endOutput`, once the stream has handed the messages
   * decoded before the bad frame to the application and queued its replies (or at once when nobody reads).
   */
  private fail(error: FramedError): void {
    if (this.currentState === "closed") return;
    const code = error.closeCode ?? closeCodeFor(error.code);
    if (this.currentState === "open") {
      this.owedClose = encodeClosePayload(code, truncateUtf8(error.message, MAX_CLOSE_REASON_BYTES));
    }
    this.finish({ error, code });
  }

  private finish(outcome: SessionEnd): void {
    this.currentState = "closed";
    this.reader.stop();
    this.buffer.clear();
    this.messageOpcode = 0;
    // Replies may still be compressed until the owed close frame is out.
    if (this.owedClose === null) this.compression?.dispose();
    this.sink.end(outcome);
  }
}
