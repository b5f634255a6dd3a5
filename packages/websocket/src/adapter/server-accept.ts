/**
 * One incoming WebSocket connection's opening handshake, sans-I/O and written once for every runtime: fed the
 * request's bytes (or its already parsed head, behind an HTTP server), it reads the head under the size limit,
 * routes by path, validates, runs `verify` as one awaited step, and says what to answer — the 101 (or the
 * HTTP/2 200's fields) with the stream to open, or a refusal with its status and bytes. It keeps the
 * handshake deadline as a timestamp, so a runtime loop only reads, writes, and sets one timer.
 */
import { FramedError, isFramedError } from "@framed/core";
import { acceptConnect, type ConnectRequestHead, validateConnectRequest } from "../handshake/extended-connect.ts";
import { HttpHeadReader, parseRequestHead, type RequestHead } from "../handshake/http-head.ts";
import { refusal } from "../handshake/http-response.ts";
import {
  acceptUpgrade,
  type ServerHandshake,
  type UpgradeAgreement,
  type UpgradeRequest,
  validateUpgradeRequest,
} from "../handshake/server-handshake.ts";
import type { Sha1 } from "../handshake/sha1.ts";
import type { StreamOpening } from "./open-stream.ts";
import type { VerifyResult } from "./options.ts";
import { framingFor, noEndpoint, pathMatches, requestToKeep, type UpgradeSettings } from "./server-upgrade.ts";

/** The handshake succeeded: write `response` (HTTP/1.1) or respond 200 with `fields` (HTTP/2), then open. */
export interface AcceptedUpgrade {
  /** The `101 Switching Protocols` bytes; empty over HTTP/2. */
  response: Uint8Array;
  /** The HTTP/2 200's fields (lower-case, no pseudo fields); empty over HTTP/1.1. */
  fields: ReadonlyArray<readonly [string, string]>;
  /** Everything `openWebSocketStream` needs, frames read past the head included. */
  opening: StreamOpening;
}

/** The handshake is refused: answer `error.status` (`response` holds the HTTP/1.1 bytes), then close. */
export interface RefusedUpgrade {
  refusal: FramedError;
  /** The HTTP/1.1 refusal to write (over HTTP/2 unused: the stream is answered with fields). */
  response: Uint8Array;
}

/** How long a refused client gets to read the answer and hang up before the connection is cut. */
export const REFUSAL_LINGER_MS = 1000;

/** The error for a client that left before its 101 (`cause`: the failed write or the socket's error, if any). */
export const wentAway = (cause?: unknown): FramedError =>
  new FramedError("CONNECTION_RESET", "the client went away during the WebSocket handshake", { cause });

/** What the handshake came to. */
export type AcceptOutcome = { accepted: AcceptedUpgrade } | RefusedUpgrade;

/** Where the handshake is. */
export type AcceptPhase = "head" | "verifying" | "answered";

/**
 * @example
 * ```ts
 * const accept = new ServerAccept(settings, sha1);
 * const wait = accept.timeUntilDeadline();
 * if (wait !== undefined) timer = setTimeout(() => giveUp(accept.expire()), wait);
 * socket.on("data", (bytes) => {
 *   const outcome = accept.receive(bytes); // undefined: the head is not complete yet
 *   if (outcome instanceof Promise) outcome.then(answer, giveUp); // verify is running
 *   else if (outcome) answer(outcome);
 * });
 * ```
 */
export class ServerAccept {
  /** `now` + the handshake timeout at construction, in ms since the epoch; 0 for no deadline. */
  readonly deadline: number;
  private reader: HttpHeadReader | undefined;
  private state: AcceptPhase = "head";
  /** Rejects a running `verify` (deadline passed, client gone, server closing). */
  private giveUp: ((error: FramedError) => void) | undefined;

  constructor(
    private readonly settings: UpgradeSettings,
    private readonly sha1: Sha1,
    now: number = Date.now(),
  ) {
    this.deadline = settings.handshakeTimeout > 0 ? now + settings.handshakeTimeout : 0;
  }

  /** Where the handshake is: reading the head, waiting for `verify`, or answered. */
  get phase(): AcceptPhase {
    return this.state;
  }

  /** Bytes received without a complete head yet. */
  get buffered(): number {
    return this.reader?.buffered ?? 0;
  }

  /** Milliseconds left before the deadline at `now` (0 once passed), or undefined when there is none. */
  timeUntilDeadline(now: number = Date.now()): number | undefined {
    return this.deadline === 0 ? undefined : Math.max(0, this.deadline - now);
  }

  /** True when a request for `target` is this server's (its `path`, query ignored). */
  routes(target: string | undefined): boolean {
    return pathMatches(target, this.settings.options.path);
  }

  /**
   * Feed bytes of an HTTP/1.1 upgrade request. Undefined while the head is incomplete; then the outcome, or a
   * promise of it while `verify` runs. A line that cannot begin a request is refused at once (400), a head over
   * `maxHeaderSize` with 431, a path not served with 404, an invalid upgrade with its status.
   */
  receive(bytes: Uint8Array): AcceptOutcome | Promise<AcceptOutcome> | undefined {
    if (this.state !== "head") throw new Error("ServerAccept.receive called after the request head was complete");
    this.reader ??= new HttpHeadReader("request", this.settings.options.maxHeaderSize);
    let head: ReturnType<HttpHeadReader["push"]>;
    let requestHead: RequestHead;
    try {
      head = this.reader.push(bytes);
      if (!head) return undefined;
      requestHead = parseRequestHead(head.text);
      if (!this.routes(requestHead.target)) {
        throw noEndpoint(requestHead.target);
      }
    } catch (error) {
      return this.refuseOrThrow(error);
    }
    return this.enter(requestHead, head.rest, head.text);
  }

  /**
   * Enter with a request head an HTTP server already parsed (no routing: the caller chose this server).
   * `headText`, when given, is kept by the stream instead of the parsed request (see `requestToKeep`).
   */
  enter(head: RequestHead, rest: Uint8Array, headText?: string): AcceptOutcome | Promise<AcceptOutcome> {
    let request: UpgradeRequest;
    try {
      request = validateUpgradeRequest(head);
    } catch (error) {
      return this.refuseOrThrow(error);
    }
    return this.decide(request, () => this.answer(request, rest, headText));
  }

  /** Enter with an HTTP/2 extended CONNECT (RFC 8441): the same checks, `verify` and agreement, answered with fields. */
  enterConnect(head: ConnectRequestHead): AcceptOutcome | Promise<AcceptOutcome> {
    let request: UpgradeRequest;
    try {
      request = validateConnectRequest(head);
    } catch (error) {
      return this.refuseOrThrow(error);
    }
    return this.decide(request, () => this.answerConnect(request));
  }

  /**
   * The deadline passed: the error to fail with. A running `verify` is abandoned (its promise rejects with it).
   */
  expire(): FramedError {
    const error =
      this.state === "verifying"
        ? new FramedError("TIMEOUT", "the WebSocket handshake did not complete in time (verify still pending)")
        : new FramedError("TIMEOUT", `no WebSocket handshake within ${this.settings.handshakeTimeout} ms`);
    this.abandon(error);
    return error;
  }

  /** Stop waiting for a running `verify` (the client left, the server is closing): its promise rejects with `error`. */
  abandon(error: FramedError): void {
    this.giveUp?.(error);
    this.giveUp = undefined;
  }

  /** `verify` when the server has one (the only asynchronous step), then `answer`. */
  private decide(request: UpgradeRequest, answer: () => AcceptOutcome): AcceptOutcome | Promise<AcceptOutcome> {
    const { verify } = this.settings.options;
    if (!verify) return answer();
    this.state = "verifying";
    const abandoned = new Promise<never>((_, reject) => (this.giveUp = reject));
    let verifying: Promise<VerifyResult>;
    try {
      verifying = Promise.resolve(verify(request));
    } catch (error) {
      verifying = Promise.reject(error);
    }
    return Promise.race([verifying, abandoned]).then(
      (result) => {
        this.giveUp = undefined;
        return result === true ? answer() : this.refused(verifyRefusal(result));
      },
      (error) => {
        this.giveUp = undefined;
        this.state = "answered";
        if (isFramedError(error, "TIMEOUT") || isFramedError(error, "CONNECTION_RESET")) throw error;
        const failure = new FramedError("HANDSHAKE_FAILED", "the server failed while verifying the request", {
          status: 500,
          cause: error,
        });
        return this.refused(failure);
      },
    );
  }

  private answer(request: UpgradeRequest, rest: Uint8Array, headText: string | undefined): AcceptOutcome {
    const { settings } = this;
    const { options } = settings;
    let handshake: ServerHandshake;
    try {
      handshake = acceptUpgrade(request, {
        protocols: options.protocols,
        deflate: options.deflate,
        headers: options.headers,
        sha1: this.sha1,
      });
    } catch (error) {
      return this.refused(cannotAnswer(error));
    }
    this.state = "answered";
    return {
      accepted: {
        response: handshake.response,
        fields: NO_FIELDS,
        opening: this.opening(handshake, rest, requestToKeep(settings, request, headText)),
      },
    };
  }

  private answerConnect(request: UpgradeRequest): AcceptOutcome {
    const { options } = this.settings;
    let answer: ReturnType<typeof acceptConnect>;
    try {
      answer = acceptConnect(request, {
        protocols: options.protocols,
        deflate: options.deflate,
        headers: options.headers,
      });
    } catch (error) {
      return this.refused(cannotAnswer(error));
    }
    this.state = "answered";
    const agreement = { protocol: answer.protocol, extensions: answer.extensions, deflate: answer.deflate };
    return {
      accepted: {
        response: EMPTY,
        fields: answer.headers,
        opening: this.opening(agreement, undefined, request),
      },
    };
  }

  private opening(
    agreement: UpgradeAgreement,
    rest: Uint8Array | undefined,
    request: UpgradeRequest | string,
  ): StreamOpening {
    const { settings } = this;
    return {
      role: "server",
      framing: framingFor(settings, agreement.deflate),
      options: settings.streamOptions,
      agreement,
      head: rest,
      request,
    };
  }

  /** A refusal for a FramedError with a status; anything else is not the client's fault and is thrown. */
  private refuseOrThrow(error: unknown): RefusedUpgrade {
    this.state = "answered";
    if (error instanceof FramedError && error.status !== undefined) return this.refused(error);
    throw error;
  }

  private refused(error: FramedError): RefusedUpgrade {
    this.state = "answered";
    return { refusal: error, response: refusal(error.status ?? 400, error.message) };
  }
}

/** A valid request whose answer could not be built (a bad option, a failing SHA-1): not the client's fault, 500. */
function cannotAnswer(cause: unknown): FramedError {
  return new FramedError("HANDSHAKE_FAILED", "the server could not answer the handshake", { status: 500, cause });
}

const EMPTY = new Uint8Array(0);
/** Shared by every HTTP/1.1 acceptance (frozen: nobody may add to it). */
const NO_FIELDS: ReadonlyArray<readonly [string, string]> = Object.freeze([]);

/** The refusal error for a verify result other than `true`. */
function verifyRefusal(result: Exclude<VerifyResult, true>): FramedError {
  if (result === false)
    return new FramedError("HANDSHAKE_FAILED", "the server refused the connection", { status: 403 });
  const status = Number.isInteger(result.status) && result.status >= 400 && result.status <= 599 ? result.status : 500;
  return new FramedError("HANDSHAKE_FAILED", result.reason ?? "the server refused the connection", { status });
}
