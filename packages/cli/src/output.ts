/**
 * What the commands print: each message on its own line (binary as text, hex or base64), or with `--json`
 * one JSON object per event. Lines written in one tick go out in one `write`; a full stdout makes the
 * caller wait (backpressure from the terminal or the pipe back to the peer).
 */
import { setImmediate } from "node:timers";
import type { Message } from "./open.ts";
import type { OutputFlags } from "./options.ts";

/** Where output goes: `process.stdout` or anything with the same `write`/`once("drain")`. */
export interface Sink {
  write(chunk: string): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** One event of `--json` output. */
export type JsonEvent = {
  event: "open" | "message" | "ping" | "pong" | "close" | "error" | "listening";
  [key: string]: unknown;
};

const FLUSH_AT = 64 * 1024;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
// Control characters other than tab would break the one-message-per-line output or the terminal.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Printable UTF-8 text, or undefined. */
function printable(bytes: Uint8Array): string | undefined {
  try {
    const text = strictUtf8.decode(bytes);
    return hasControl(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Formats and writes messages and events.
 *
 * @example
 * ```ts
 * const output = new Output(process.stdout, flags);
 * await output.message("hello");
 * output.event({ event: "close", code: 1000 });
 * await output.flush();
 * ```
 */
export class Output {
  private pending = "";
  private scheduled = false;
  private drained: Promise<void> | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly flags: Pick<OutputFlags, "json" | "binary">,
  ) {}

  /** Print one received message; `connection` tags it (listen, bridge). Returns a promise while stdout is full. */
  message(message: Message, connection?: number): Promise<void> | undefined {
    if (this.flags.json) {
      const event: JsonEvent = { event: "message" };
      if (connection !== undefined) event.connection = connection;
      if (typeof message === "string") {
        event.type = "text";
        event.data = message;
      } else {
        event.type = "binary";
        event.encoding = this.flags.binary === "base64" ? "base64" : "hex";
        event.data = event.encoding === "base64" ? base64(message) : hex(message);
      }
      return this.line(JSON.stringify(event));
    }
    let text: string;
    if (typeof message === "string") text = message;
    else if (this.flags.binary === "base64") text = base64(message);
    else if (this.flags.binary === "hex") text = hex(message);
    else text = printable(message) ?? hex(message);
    return this.line(connection === undefined ? text : `#${connection} ${text}`);
  }

  /** A WebSocket ping or pong from the peer, as a `--json` event with its payload (text when printable). */
  control(kind: "ping" | "pong", payload: Uint8Array): void {
    const text = printable(payload);
    const event: JsonEvent = { event: kind };
    if (text !== undefined) event.data = text;
    else {
      event.encoding = this.flags.binary === "base64" ? "base64" : "hex";
      event.data = event.encoding === "base64" ? base64(payload) : hex(payload);
    }
    this.event(event);
  }

  /** A `--json` event; nothing in plain mode (notes go to stderr there). */
  event(event: JsonEvent): Promise<void> | undefined {
    return this.flags.json ? this.line(JSON.stringify(event)) : undefined;
  }

  /** Write one line (batched). */
  line(text: string): Promise<void> | undefined {
    this.pending += `${text}\n`;
    if (this.pending.length >= FLUSH_AT) return this.flushNow();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flushNow();
      });
    }
    return this.drained;
  }

  /** Write what is pending and wait until stdout took it. */
  async flush(): Promise<void> {
    await this.flushNow();
    await this.drained;
  }

  private flushNow(): Promise<void> | undefined {
    if (this.pending !== "") {
      const chunk = this.pending;
      this.pending = "";
      if (!this.sink.write(chunk) && this.drained === undefined) {
        this.drained = new Promise((resolve) =>
          this.sink.once("drain", () => {
            this.drained = undefined;
            resolve();
          }),
        );
      }
    }
    return this.drained;
  }
}
