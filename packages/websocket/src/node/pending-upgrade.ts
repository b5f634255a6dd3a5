/**
 * One connection of the Node `listen` server between accept and its 101 (or refusal): reads the request
 * head off the socket, enforces the handshake deadline, ends a connection whose peer leaves before its
 * request is complete, and hands the stream to the registry.
 *
 * A class with module-level socket listeners rather than closures: a server accepting thousands of
 * connections a second should leave as little garbage per handshake as it can.
 */
import type * as net from "node:net";
import { FramedError, type StreamHandler, type StreamRegistry } from "@framed/core";
import { pathMatches, type UpgradeSettings } from "../adapter/server-handshake-driver.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-stream.ts";
import { HttpHeadReader, parseRequestHead, type RawHead } from "../handshake/http-head.ts";
import { type UpgradeRequest, validateUpgradeRequest } from "../handshake/server-handshake.ts";
import { completeUpgrade, refuseHandshake } from "./upgrade.ts";

/** What every connection of one server shares. */
export interface UpgradeServer {
  settings: UpgradeSettings;
  registry: StreamRegistry<string | Uint8Array>;
  onStream: StreamHandler<string | Uint8Array, ServerWebSocketStream, net.Socket>;
  /** Sockets still in their handshake, destroyed when the server closes. */
  handshaking: Set<net.Socket>;
}

const kPending = Symbol("framed.pendingUpgrade");
type PendingSocket = net.Socket & { [kPending]?: PendingUpgrade };

/** Start reading the upgrade request of a freshly accepted socket. */
export function beginUpgrade(socket: net.Socket, server: UpgradeServer): void {
  new PendingUpgrade(socket, server);
}

class PendingUpgrade {
  private readonly reader: HttpHeadReader;
  private readonly deadline: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private headRead = false;

  constructor(
    private readonly socket: PendingSocket,
    private readonly server: UpgradeServer,
  ) {
    const { settings, handshaking } = server;
    handshaking.add(socket);
    this.reader = new HttpHeadReader("request", settings.options.maxHeaderSize);
    this.deadline = settings.handshakeTimeout > 0 ? Date.now() + settings.handshakeTimeout : 0;
    socket[kPending] = this;
    socket.on("error", ignoreError);
    socket.on("data", onHandshakeData);
    socket.once("close", onHandshakeClose);
    socket.once("end", onHandshakeEnd);
    if (this.deadline > 0) this.timer = setTimeout(onHandshakeTimeout, settings.handshakeTimeout, this);
  }

  /** @internal */
  onData(chunk: Buffer): void {
    const { socket } = this;
    let head: RawHead | undefined;
    let request: UpgradeRequest;
    try {
      head = this.reader.push(chunk);
      if (!head) return;
      this.headRead = true;
      // From here completeUpgrade owns the deadline (verify may be slow), and an EOF is the stream's to see.
      // Off before the stream adds its own listener: three 'end' listeners at once grow the socket's listener
      // array for good (about 140 bytes per connection).
      this.clearTimer();
      socket.off("data", onHandshakeData);
      socket.off("end", onHandshakeEnd);
      const requestHead = parseRequestHead(head.text);
      if (!pathMatches(requestHead.target, this.server.settings.options.path)) {
        throw new FramedError("HANDSHAKE_FAILED", `no WebSocket endpoint at ${requestHead.target}`, { status: 404 });
      }
      request = validateUpgradeRequest(requestHead);
    } catch (error) {
      this.fail(error instanceof FramedError ? refuseHandshake(socket, error) : error);
      if (!(error instanceof FramedError)) socket.destroy();
      return;
    }
    let upgraded: ServerWebSocketStream | Promise<ServerWebSocketStream>;
    try {
      upgraded = completeUpgrade(socket, request, head.rest, this.server.settings, this.deadline, head.text);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (upgraded instanceof Promise)
      upgraded.then(
        (stream) => this.accepted(stream),
        (error) => this.fail(error),
      );
    else this.accepted(upgraded);
  }

  /** @internal The handshake is over, one way or another: stop listening for it. */
  done(): void {
    const { socket } = this;
    this.server.handshaking.delete(socket);
    this.clearTimer();
    socket[kPending] = undefined;
    socket.off("data", onHandshakeData);
    socket.off("close", onHandshakeClose);
    socket.off("end", onHandshakeEnd);
    socket.off("error", ignoreError);
  }

  /**
   * @internal The peer sent FIN. Before its request head is complete there is nothing to answer: end the
   * connection now rather than hold its descriptor until the handshake deadline (the server is half-open, so
   * the socket would otherwise stay). Once the head is read, the upgrade goes on and the stream sees the end.
   */
  ended(): void {
    if (this.headRead) return;
    this.fail(new FramedError("HANDSHAKE_FAILED", "the connection ended before the upgrade request was complete"));
    this.socket.destroy();
  }

  /** @internal */
  timedOut(): void {
    this.timer = undefined;
    this.fail(new FramedError("TIMEOUT", `no WebSocket handshake within ${this.server.settings.handshakeTimeout} ms`));
    this.socket.destroy();
  }

  private accepted(stream: ServerWebSocketStream): void {
    this.done();
    this.server.registry.accept(stream, this.server.onStream, this.socket);
  }

  private fail(error: unknown): void {
    this.done();
    this.server.settings.options.onHandshakeError?.(error);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function onHandshakeData(this: PendingSocket, chunk: Buffer): void {
  this[kPending]?.onData(chunk);
}

function onHandshakeClose(this: PendingSocket): void {
  this[kPending]?.done();
}

function onHandshakeEnd(this: PendingSocket): void {
  this[kPending]?.ended();
}

function onHandshakeTimeout(pending: PendingUpgrade): void {
  pending.timedOut();
}

function ignoreError(): void {}
