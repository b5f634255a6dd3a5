// Test helpers for real-socket tests: an echo server, a raw TCP WebSocket client that sends hand-built
// frames, and small event waiters. Every wait is bounded in time.

import { once } from "node:events";
import * as net from "node:net";
import type { Duplex } from "node:stream";
import { within } from "@framed/core/testing";
import { listen, type ServerOptions, type ServerWebSocketStream, type WebSocketListener } from "../../src/node.ts";
import type { RawPeer, WireFrame as SharedWireFrame } from "../shared/wire.ts";

/** Echo each message back with its type; resolves with the listener. */
export function echoServer(
  options: ServerOptions = {},
  onStream?: (stream: ServerWebSocketStream) => void,
): Promise<WebSocketListener> {
  return listen(
    { port: 0 },
    async (stream) => {
      onStream?.(stream);
      try {
        for await (const message of stream) await stream.send(message);
      } catch {
        // The stream's error is reported through `closed`; tests check it there.
      }
    },
    options,
  );
}

export { closePayload, frame } from "../shared/wire.ts";
export { within };

/** One frame as read off the wire (Node: the payload is a Buffer). */
export interface WireFrame extends SharedWireFrame {
  payload: Buffer;
}

/** A WebSocket connection over a bare TCP socket, for sending frames no real client would. */
export class RawClient implements RawPeer {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  ended = false;
  /** The HTTP response head, as text. */
  response = "";

  private constructor(readonly socket: Duplex) {
    socket.on("data", (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  /** A raw client over an already upgraded byte stream (an HTTP/2 CONNECT stream), given its response as text. */
  static over(stream: Duplex, response: string): RawClient {
    const client = new RawClient(stream);
    client.response = response;
    return client;
  }

  /** Connect and send `request` (a valid upgrade by default) in one write with `extra` bytes appended. */
  static async open(
    port: number,
    options: { request?: string; extra?: Uint8Array; expectUpgrade?: boolean } = {},
  ): Promise<RawClient> {
    const socket = net.connect({ host: "127.0.0.1", port });
    await within(once(socket, "connect"), 5000, "TCP connect");
    const client = new RawClient(socket);
    const request =
      options.request ??
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.write(Buffer.concat([Buffer.from(request, "latin1"), options.extra ?? Buffer.alloc(0)]));
    await client.readResponse();
    if ((options.expectUpgrade ?? true) && !client.response.startsWith("HTTP/1.1 101 ")) {
      throw new Error(`expected a 101, got: ${client.response}`);
    }
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async until(ready: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      if (this.ended) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await within(new Promise<void>((resolve) => this.waiters.push(resolve)), left, what).catch(() => undefined);
    }
  }

  private async readResponse(): Promise<void> {
    await this.until(() => this.buffer.includes("\r\n\r\n"), "the handshake response");
    const end = this.buffer.indexOf("\r\n\r\n") + 4;
    this.response = this.buffer.subarray(0, end).toString("latin1");
    this.buffer = this.buffer.subarray(end);
  }

  /** The rest of what the server sent after the response head, once it closed (for refusal bodies). */
  async body(): Promise<string> {
    await this.closedByServer();
    return this.buffer.toString();
  }

  send(...frames: Uint8Array[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Read the next server frame (unmasked, as servers must send). */
  async read(ms = 5000): Promise<WireFrame> {
    const complete = () => {
      if (this.buffer.length < 2) return false;
      let length = this.buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return false;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return false;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      return this.buffer.length >= offset + length;
    };
    await this.until(complete, "a frame", ms);
    const first = this.buffer[0];
    const second = this.buffer[1];
    if (second & 0x80) throw new Error("the server sent a masked frame");
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      length = this.buffer.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      length = Number(this.buffer.readBigUInt64BE(2));
      offset = 10;
    }
    const payload = Buffer.from(this.buffer.subarray(offset, offset + length));
    this.buffer = this.buffer.subarray(offset + length);
    return { fin: (first & 0x80) !== 0, rsv: (first >> 4) & 7, opcode: first & 0x0f, payload };
  }

  /** Read frames until a close frame; returns its code (1005 when empty) and reason. */
  async readClose(ms = 5000): Promise<{ code: number; reason: string }> {
    for (let i = 0; i < 100; i++) {
      const next = await this.read(ms);
      if (next.opcode !== 0x8) continue;
      if (next.payload.length === 0) return { code: 1005, reason: "" };
      return { code: next.payload.readUInt16BE(0), reason: next.payload.subarray(2).toString() };
    }
    throw new Error("no close frame among the first 100 frames");
  }

  /** Resolves when the server has closed the TCP connection. */
  async closedByServer(ms = 5000): Promise<void> {
    await this.until(() => false, "the server to close the connection", ms).catch((error) => {
      if (!this.ended) throw error;
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
