// Helpers for the Deno runtime tests: an echo server on our Deno `listen`, a raw `Deno.connect` WebSocket
// client for hand-built frames, and bounded waiters. Everything a test opens, it closes (sanitizers are on).
import { within } from "@framed/core/testing";
import { listen, type ServerOptions, type ServerWebSocketStream, type WebSocketListener } from "../../src/deno.ts";
import {
  concat,
  parseServerFrame,
  type RawPeer,
  readClosePayload,
  UPGRADE_REQUEST,
  type WireFrame,
} from "../shared/wire.ts";

export { within };

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

/** A WebSocket connection over a bare `Deno.connect`, for sending frames no real client would. */
export class DenoRawClient implements RawPeer {
  response = "";
  ended = false;
  private buffer: Uint8Array = new Uint8Array(0);
  private waiters: Array<() => void> = [];
  private readonly reading: Promise<void>;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly conn: Deno.Conn) {
    this.reading = this.readLoop();
  }

  /** Connect and send `request` (a valid upgrade by default) in one write with `extra` bytes appended. */
  static async open(
    port: number,
    options: { request?: string; extra?: Uint8Array; expectUpgrade?: boolean } = {},
  ): Promise<DenoRawClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const client = new DenoRawClient(conn);
    const request = Uint8Array.from(options.request ?? UPGRADE_REQUEST, (char) => char.charCodeAt(0));
    client.send(concat(request, options.extra ?? new Uint8Array(0)));
    try {
      await client.readResponse();
      if ((options.expectUpgrade ?? true) && !client.response.startsWith("HTTP/1.1 101 ")) {
        throw new Error(`expected a 101, got: ${client.response}`);
      }
    } catch (error) {
      await client.destroy();
      throw error;
    }
    return client;
  }

  private async readLoop(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const count = await this.conn.read(chunk);
        if (count === null) break;
        this.buffer = concat(this.buffer, chunk.subarray(0, count));
        this.wake();
      }
    } catch {
      // Reset by the server, or closed by destroy().
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
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

  private headEnd(): number {
    for (let i = 3; i < this.buffer.length; i++) {
      if (this.buffer[i] === 10 && this.buffer[i - 1] === 13 && this.buffer[i - 2] === 10 && this.buffer[i - 3] === 13)
        return i + 1;
    }
    return -1;
  }

  private async readResponse(): Promise<void> {
    await this.until(() => this.headEnd() !== -1, "the handshake response");
    const end = this.headEnd();
    this.response = String.fromCharCode(...this.buffer.subarray(0, end));
    this.buffer = this.buffer.slice(end);
  }

  /** The rest of what the server sent after the response head, once it closed (for refusal bodies). */
  async body(): Promise<string> {
    await this.closedByServer();
    return new TextDecoder().decode(this.buffer);
  }

  send(...frames: Uint8Array[]): void {
    const bytes = concat(...frames);
    // Writes go out in order; destroy() waits for them so no write op outlives the test.
    this.writing = this.writing
      .then(async () => {
        let offset = 0;
        while (offset < bytes.length) offset += await this.conn.write(bytes.subarray(offset));
      })
      .catch(() => {});
  }

  async read(ms = 5000): Promise<WireFrame> {
    await this.until(() => parseServerFrame(this.buffer) !== null, "a frame", ms);
    const parsed = parseServerFrame(this.buffer);
    if (!parsed) throw new Error("unreachable: a whole frame was buffered");
    this.buffer = this.buffer.slice(parsed.size);
    return parsed.frame;
  }

  async readClose(ms = 5000): Promise<{ code: number; reason: string }> {
    for (let i = 0; i < 100; i++) {
      const next = await this.read(ms);
      if (next.opcode === 0x8) return readClosePayload(next.payload);
    }
    throw new Error("no close frame among the first 100 frames");
  }

  async closedByServer(ms = 5000): Promise<void> {
    await this.until(() => false, "the server to close the connection", ms).catch((error) => {
      if (!this.ended) throw error;
    });
  }

  async destroy(): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // Already closed.
    }
    await Promise.all([this.reading, this.writing]);
  }
}

/** Run `body` with a `defer` that registers cleanups, run in reverse order however the body ends. */
export async function withCleanup(body: (defer: (cleanup: () => unknown) => void) => Promise<void>): Promise<void> {
  const cleanups: Array<() => unknown> = [];
  try {
    await body((cleanup) => cleanups.push(cleanup));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Status line, head and body of a refused handshake sent by a raw client. */
export async function refusedStatus(
  port: number,
  request: string,
): Promise<{ status: number; response: string; body: string }> {
  const client = await DenoRawClient.open(port, { request, expectUpgrade: false });
  try {
    const body = await client.body();
    return { status: Number(client.response.split(" ")[1]), response: client.response, body };
  } finally {
    await client.destroy();
  }
}
