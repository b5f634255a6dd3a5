/**
 * A WebSocket client's opening handshake, sans-I/O and written once for every runtime: check the options,
 * build the request (key, subprotocols, deflate offer), read and check the server's answer, and say which
 * stream to open with the bytes that followed the head. The deadline is kept as a timestamp, so the runtime
 * loop only dials, writes `request`, feeds what it reads, and sets one timer.
 *
 * `ClientConnect` is the HTTP/1.1 upgrade; `ClientConnectHttp2` the RFC 8441 extended CONNECT.
 */
import { type ConnectionOptions, FramedError } from "@framed/core";
import {
  type ClientHandshake,
  type ClientHandshakeResult,
  createClientHandshake,
  validateUpgradeResponse,
} from "../handshake/client-handshake.ts";
import { type ConnectRequest, createConnectRequest, validateConnectResponse } from "../handshake/extended-connect.ts";
import { HttpHeadReader, parseResponseHead } from "../handshake/http-head.ts";
import type { HttpHeaders } from "../handshake/http-headers.ts";
import type { Sha1 } from "../handshake/sha1.ts";
import { type WebSocketFraming, websocket } from "../index.ts";
import type { StreamOpening } from "./open-stream.ts";
import {
  type ClientOptions,
  DEFAULT_HANDSHAKE_TIMEOUT,
  type FramingOptions,
  framingOptions,
  streamOptions,
  timeoutOption,
} from "./options.ts";
import { requestHeaders, type Target } from "./target.ts";

/** What both kinds of client handshake share: the options checked once, the deadline, the stream to open. */
abstract class ClientFlow {
  /** `ws://host` or `wss://host`, for error messages. */
  readonly where: string;
  /** The handshake timeout in ms (0: none). */
  readonly timeout: number;
  /** `now` + `timeout` at construction, in ms since the epoch; 0 for no deadline. */
  readonly deadline: number;
  private readonly framing: FramingOptions;
  /** The framing when no permessage-deflate is agreed: built once, which also checks the options. */
  private readonly plainFraming: WebSocketFraming;
  private readonly connectionOptions: ConnectionOptions;

  /** @throws TypeError/RangeError naming a bad option, before anything is dialled. */
  constructor(target: Target, options: ClientOptions, now: number) {
    this.where = `${target.secure ? "wss" : "ws"}://${target.host}`;
    this.timeout = timeoutOption("handshakeTimeout", options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT);
    this.connectionOptions = streamOptions(options); // bad keep-alive fails before connecting
    this.framing = framingOptions(options);
    this.plainFraming = websocket(this.framing); // bad framing options fail before connecting
    this.deadline = this.timeout > 0 ? now + this.timeout : 0;
  }

  /** Milliseconds left before the deadline at `now` (0 once passed), or undefined when there is none. */
  timeUntilDeadline(now: number = Date.now()): number | undefined {
    return this.deadline === 0 ? undefined : Math.max(0, this.deadline - now);
  }

  /** The framing for what the server agreed. */
  protected framingFor(result: ClientHandshakeResult): WebSocketFraming {
    return result.deflate ? websocket({ ...this.framing, deflate: result.deflate }) : this.plainFraming;
  }

  protected opening(result: ClientHandshakeResult, head: Uint8Array | undefined): StreamOpening {
    return {
      role: "client",
      framing: this.framingFor(result),
      options: this.connectionOptions,
      agreement: { ...result, upgradeResponse: result.response },
      head,
    };
  }
}

/**
 * The HTTP/1.1 upgrade of a client.
 *
 * @example
 * ```ts
 * const handshake = new ClientConnect(target, options, sha1);
 * socket.write(handshake.request);
 * socket.on("data", (bytes) => {
 *   const opening = handshake.receive(bytes); // throws HANDSHAKE_FAILED for a bad answer
 *   if (opening) resolve(openWebSocketStream(transport, opening));
 * });
 * ```
 */
export class ClientConnect extends ClientFlow {
  /** The upgrade request to write once connected. */
  readonly request: Uint8Array;
  private readonly handshake: ClientHandshake;
  private readonly reader: HttpHeadReader;

  constructor(target: Target, options: ClientOptions, sha1?: Sha1, now: number = Date.now()) {
    super(target, options, now);
    this.handshake = createClientHandshake({
      host: target.host,
      path: target.path,
      protocols: options.protocols,
      deflate: options.deflate,
      headers: requestHeaders(options.headers, target.authorization),
      sha1,
    });
    this.request = this.handshake.request;
    this.reader = new HttpHeadReader("response", options.maxHeaderSize);
  }

  /**
   * Feed bytes of the server's answer. Undefined while its head is incomplete; then the stream to open
   * (what was agreed, and the frames that followed the 101).
   *
   * @throws FramedError `HANDSHAKE_FAILED` (with the status, when there is one) for an answer that is not an
   * acceptable 101 or not HTTP at all.
   */
  receive(bytes: Uint8Array): StreamOpening | undefined {
    try {
      const head = this.reader.push(bytes);
      if (!head) return undefined;
      const result = validateUpgradeResponse(parseResponseHead(head.text), this.handshake, head.rest);
      return this.opening(result, head.rest);
    } catch (error) {
      if (error instanceof FramedError) throw error;
      throw new FramedError("HANDSHAKE_FAILED", `bad handshake response from ${this.where}: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /** The error for a server that hung up before its answer was complete. */
  closedEarly(): FramedError {
    const received = this.reader.buffered;
    return new FramedError(
      "HANDSHAKE_FAILED",
      received === 0
        ? `${this.where} closed the connection without answering the WebSocket upgrade request (is it a WebSocket server?)`
        : `${this.where} closed the connection after ${received} bytes that are not a complete HTTP response to the WebSocket upgrade request (is it a WebSocket server?)`,
    );
  }

  /** The error once the deadline passed. */
  expire(): FramedError {
    return new FramedError("TIMEOUT", `no WebSocket handshake response from ${this.where} within ${this.timeout} ms`);
  }
}

/**
 * The HTTP/2 extended CONNECT (RFC 8441) of a client: the same options, offer and agreement checks, with
 * request fields instead of bytes and a `:status` 200 instead of a 101.
 *
 * @example
 * ```ts
 * const handshake = new ClientConnectHttp2(target, options);
 * const stream = session.request(handshake.fields, { endStream: false });
 * stream.once("response", (fields) => resolve(handshake.respond(fields[":status"], headers)));
 * ```
 */
export class ClientConnectHttp2 extends ClientFlow {
  private readonly connect: ConnectRequest;

  constructor(target: Target, options: ClientOptions, now: number = Date.now()) {
    super(target, options, now);
    this.connect = createConnectRequest({
      authority: target.host,
      path: target.path,
      scheme: target.secure ? "https" : "http",
      protocols: options.protocols,
      deflate: options.deflate,
      headers: requestHeaders(options.headers, target.authorization),
    });
  }

  /** The CONNECT's fields, pseudo fields included, for `session.request`. */
  get fields(): Record<string, string> {
    return this.connect.headers;
  }

  /**
   * The server's answer: the stream to open.
   *
   * @throws FramedError `HANDSHAKE_FAILED` with the status for a refusal or an agreement nobody offered.
   */
  respond(status: number, headers: HttpHeaders): StreamOpening {
    return this.opening(validateConnectResponse(status, headers, this.connect), undefined);
  }

  /** The error once the deadline passed. */
  expire(): FramedError {
    return new FramedError(
      "TIMEOUT",
      `no answer to the WebSocket CONNECT from ${this.where} within ${this.timeout} ms`,
    );
  }
}
