/**
 * One connection of the Node `listen` server between accept and its 101 (or refusal): the thin loop around
 * `ServerAccept` — socket bytes in, its answer out, one timer for its deadline — that ends a connection whose
 * peer leaves before its request is complete and hands the stream to the registry.
 *
 * A class with module-level socket listeners rather than closures: a server accepting thousands of
 * connections a second should leave as little garbage per handshake as it can.
 */
import type * as net from "node:net";
import { FramedError, type StreamHandler, type StreamRegistry } from "@framed/core";
import { type AcceptOutcome, ServerAccept } from "../adapter/server-accept.ts";
import type { UpgradeSettings } from "../adapter/server-upgrade.ts";
import type { ServerWebSocketStream } from "../adapter/websocket-stream.ts";
import { nodeSha1, settleUpgrade, wentAway } from "./upgrade.ts";

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
  private readonly accept: ServerAccept;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly socket: PendingSocket,
    private readonly server: UpgradeServer,
  ) {
    server.handshaking.add(socket);
    this.accept = new ServerAccept(server.settings, nodeSha1);
    socket[kPending] = this;
    socket.on("error", ignoreError);
    socket.on("data", onHandshakeData);
    socket.once("close", onHandshakeClose);
    socket.once("end", onHandshakeEnd);
    const wait = this.accept.timeUntilDeadline();
    if (wait !== undefined) this.timer = setTimeout(onHandshakeTimeout, wait, this);
  }

  /** @internal */
  onData(chunk: Buffer): void {
    const { socket } = this;
    let outcome: ReturnType<ServerAccept["receive"]>;
    try {
      outcome = this.accept.receive(chunk);
    } catch (error) {
      this.fail(error);
      socket.destroy();
      return;
    }
    if (outcome === undefined) return;
    // The head is read: an EOF is now the stream's to see. Off before the stream adds its own listener: three
    // 'end' listeners at once grow the socket's listener array for good (about 140 bytes per connection).
    socket.off("data", onHandshakeData);
    socket.off("end", onHandshakeEnd);
    if (outcome instanceof Promise) {
      // Nothing may be read while verify runs: frames sent eagerly wait in the socket until the stream exists.
      socket.pause();
      outcome.then(
        (settled) => this.settle(settled),
        (error) => this.fail(error),
      );
    } else this.settle(outcome);
  }

  /** @internal The socket closed: a running verify is abandoned; before that there is nothing to report. */
  closed(): void {
    if (this.accept.phase === "verifying") this.accept.abandon(wentAway());
    else this.done();
  }

  /**
   * @internal The peer sent FIN. Before its request head is complete there is nothing to answer: end the
   * connection now rather than hold its descriptor until the handshake deadline (the server is half-open, so
   * the socket would otherwise stay). Once the head is read, the upgrade goes on and the stream sees the end.
   */
  ended(): void {
    if (this.accept.phase !== "head") return;
    this.fail(new FramedError("HANDSHAKE_FAILED", "the connection ended before the upgrade request was complete"));
    this.socket.destroy();
  }

  /** @internal The one timer: a running verify is abandoned (and fails through its promise), else fail now. */
  timedOut(): void {
    this.timer = undefined;
    const verifying = this.accept.phase === "verifying";
    const error = this.accept.expire();
    if (!verifying) this.fail(error);
    this.socket.destroy();
  }

  private settle(outcome: AcceptOutcome): void {
    let stream: ServerWebSocketStream;
    try {
      stream = settleUpgrade(this.socket, outcome);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.done();
    this.server.registry.accept(stream, this.server.onStream, this.socket);
  }

  private fail(error: unknown): void {
    this.done();
    this.server.settings.options.onHandshakeError?.(error);
  }

  /** The handshake is over, one way or another: stop listening for it. */
  private done(): void {
    const { socket } = this;
    this.server.handshaking.delete(socket);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    socket[kPending] = undefined;
    socket.off("data", onHandshakeData);
    socket.off("close", onHandshakeClose);
    socket.off("end", onHandshakeEnd);
    socket.off("error", ignoreError);
  }
}

function onHandshakeData(this: PendingSocket, chunk: Buffer): void {
  this[kPending]?.onData(chunk);
}

function onHandshakeClose(this: PendingSocket): void {
  this[kPending]?.closed();
}

function onHandshakeEnd(this: PendingSocket): void {
  this[kPending]?.ended();
}

function onHandshakeTimeout(pending: PendingUpgrade): void {
  pending.timedOut();
}

function ignoreError(): void {}
