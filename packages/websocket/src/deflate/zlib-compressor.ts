/**
 * The permessage-deflate compressor over node:zlib (Node and Deno), driven synchronously.
 *
 * Why this way: the session is synchronous, and node:zlib has no public synchronous streaming API.
 * `zlib.deflateRawSync`/`inflateRawSync` are one-shot (no context takeover; re-seeding them with a
 * dictionary per message measured 40–70× slower), `_processChunk(chunk, flag)` without a callback closes
 * the stream after one call, and a pure-JS DEFLATE would be large and several times slower than zlib.
 * So this module drives a zlib stream's native handle the way Node's own `*Sync` functions do
 * (`handle.writeSync(flush, in, inOff, inLen, out, outOff, outLen)`, results in `_writeState`). Deno's
 * node:zlib mirrors that shape. {@link createZlibCompressor} probes it once and throws a clear error where
 * it is missing, so a runtime change fails loudly at setup, never silently on the wire.
 *
 * Memory: contexts are created lazily (on the first compressed message) and borrowed from a small
 * per-factory pool. A direction with context takeover keeps its context for the connection's life:
 * deflate ≈ 2^(windowBits+2) + 2^(memLevel+9) bytes (256 KiB at 15/8), inflate ≈ 2^windowBits + 7 KiB.
 * A `*_no_context_takeover` direction holds nothing between messages: it borrows a pooled context for one
 * synchronous compress (or one message's inflation) and hands it back reset, so thousands of such
 * connections share a handful of contexts. Because every call is synchronous and bounded, there is no
 * queue of pending zlib jobs to bound (the async-threadpool fragmentation of ws#1202/#1369 cannot arise).
 */
import { protocolError } from "../protocol/close-codes.ts";
import {
  type CompressorFactory,
  DEFLATE_TAIL,
  type DeflateSettings,
  type MessageDeflater,
  type MessageInflater,
} from "./compressor.ts";

/** The part of `node:zlib` this module needs; pass the module itself. */
export interface ZlibModule {
  createDeflateRaw(options: { windowBits: number; level: number; memLevel: number }): unknown;
  createInflateRaw(options: { windowBits: number }): unknown;
  constants: { Z_SYNC_FLUSH: number };
}

/** Options of {@link createZlibCompressor}. */
export interface ZlibCompressorOptions {
  /** zlib compression level 0–9, or -1 for zlib's default (6). Default -1. */
  level?: number;
  /** zlib memLevel 1–9: the hash table is 2^(memLevel+9) bytes. Default 8 (as zlib and ws). */
  memLevel?: number;
  /** Reset contexts kept per (direction, window) for reuse. Default 4. */
  maxIdleContexts?: number;
}

/** What a node:zlib stream object carries internally (Node ≥ 10, Deno 2). */
interface ZlibInternals {
  _handle: {
    writeSync(
      flush: number,
      input: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      outOff: number,
      outLen: number,
    ): void;
    reset(): void;
    onerror: (message: string, errno: number) => void;
  } | null;
  _writeState: Uint32Array;
  close(): void;
}

/** Output steps: the most a single native call may produce, so inflation stops within this of the budget. */
const STEP_SIZE = 64 * 1024;

/** One native zlib stream, stepped synchronously. */
class ZlibContext {
  private error: string | null = null;
  /** Input bytes the last step left unconsumed. */
  inputLeft = 0;
  /** Output bytes the last step produced. */
  produced = 0;

  constructor(
    readonly key: string,
    private readonly stream: ZlibInternals,
  ) {
    // zlib reports errors through this callback, synchronously inside writeSync.
    (stream._handle as NonNullable<ZlibInternals["_handle"]>).onerror = (message, errno) => {
      this.error = message || `zlib error ${errno}`;
    };
  }

  /** Run one native step; returns the zlib error message, or null. */
  step(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array): string | null {
    (this.stream._handle as NonNullable<ZlibInternals["_handle"]>).writeSync(
      flush,
      input,
      inOff,
      inLen,
      out,
      0,
      out.length,
    );
    const state = this.stream._writeState;
    this.produced = out.length - state[0];
    this.inputLeft = state[1];
    return this.error;
  }

  reset(): void {
    this.stream._handle?.reset();
  }

  close(): void {
    this.stream.close();
  }
}

function hasInternals(stream: unknown): stream is ZlibInternals {
  const candidate = stream as Partial<ZlibInternals> | null;
  return (
    typeof candidate?._handle?.writeSync === "function" &&
    typeof candidate._handle.reset === "function" &&
    candidate._writeState instanceof Uint32Array
  );
}

class ZlibCompressor implements CompressorFactory {
  private readonly idle = new Map<string, ZlibContext[]>();
  /** Shared output space: every call is synchronous and copies out before returning. */
  readonly scratch = new Uint8Array(STEP_SIZE);
  readonly syncFlush: number;

  constructor(
    private readonly zlib: ZlibModule,
    private readonly level: number,
    private readonly memLevel: number,
    private readonly maxIdle: number,
  ) {
    this.syncFlush = zlib.constants.Z_SYNC_FLUSH;
  }

  createDeflater(settings: DeflateSettings): MessageDeflater {
    return new ZlibDeflater(this, settings);
  }

  createInflater(settings: DeflateSettings): MessageInflater {
    return new ZlibInflater(this, settings);
  }

  /**
   * A context for raw deflate or inflate with this window. zlib refuses an 8-bit window for raw deflate;
   * 9 bits is safe for a peer that agreed to 8: zlib never emits a distance beyond window − 262 bytes
   * (250 < 256). Inflating with 9 instead of 8 only accepts more, never less.
   */
  acquire(mode: "deflate" | "inflate", windowBits: number): ZlibContext {
    const bits = Math.max(9, windowBits);
    const key = `${mode}:${bits}`;
    const reused = this.idle.get(key)?.pop();
    if (reused) return reused;
    const stream =
      mode === "deflate"
        ? this.zlib.createDeflateRaw({ windowBits: bits, level: this.level, memLevel: this.memLevel })
        : this.zlib.createInflateRaw({ windowBits: bits });
    if (!hasInternals(stream)) {
      throw new Error(
        "node:zlib in this runtime lacks the synchronous handle (_handle.writeSync) permessage-deflate uses",
      );
    }
    return new ZlibContext(key, stream);
  }

  /** Take back a healthy context: reset it for the next borrower, or close it when enough are idle. */
  release(context: ZlibContext): void {
    let list = this.idle.get(context.key);
    if (!list) {
      list = [];
      this.idle.set(context.key, list);
    }
    if (list.length < this.maxIdle) {
      context.reset();
      list.push(context);
    } else {
      context.close();
    }
  }
}

class ZlibDeflater implements MessageDeflater {
  private context: ZlibContext | null = null;

  constructor(
    private readonly owner: ZlibCompressor,
    private readonly settings: DeflateSettings,
  ) {}

  compress(message: Uint8Array): Uint8Array {
    const owner = this.owner;
    const context = this.context ?? owner.acquire("deflate", this.settings.windowBits);
    this.context = null;
    const scratch = owner.scratch;
    const parts: Uint8Array[] = [];
    let total = 0;
    let offset = 0;
    let left = message.length;
    for (;;) {
      const error = context.step(owner.syncFlush, message, offset, left, scratch);
      if (error !== null) {
        context.close();
        throw protocolError("INVALID_MESSAGE", `permessage-deflate could not compress a message: ${error}`);
      }
      if (context.produced > 0) {
        parts.push(scratch.slice(0, context.produced));
        total += context.produced;
      }
      offset += left - context.inputLeft;
      left = context.inputLeft;
      // A sync flush is complete once zlib stops filling the whole output space.
      if (context.produced < scratch.length) break;
    }
    if (this.settings.noContextTakeover) owner.release(context);
    else this.context = context;
    return withoutTail(parts, total);
  }

  dispose(): void {
    if (this.context) this.owner.release(this.context);
    this.context = null;
  }
}

/** The compressed bytes minus the trailing `00 00 ff ff` every sync flush ends with (RFC 7692 §7.2.1). */
function withoutTail(parts: Uint8Array[], total: number): Uint8Array {
  // zlib flushes nothing for empty input after an earlier flush; RFC 7692 §7.2.3.6 sends such a message as
  // the single byte 0x00 (an empty stored block once the receiver appends the tail).
  if (total < DEFLATE_TAIL.length) return Uint8Array.of(0x00);
  const size = total - DEFLATE_TAIL.length;
  if (parts.length === 1) return parts[0].subarray(0, size);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    const n = Math.min(part.length, size - offset);
    out.set(part.subarray(0, n), offset);
    offset += n;
    if (offset === size) break;
  }
  return out;
}

class ZlibInflater implements MessageInflater {
  private context: ZlibContext | null = null;
  /** The current message's DEFLATE stream ended with a BFINAL block (RFC 7692 §7.2.3.4). */
  private streamEnded = false;

  constructor(
    private readonly owner: ZlibCompressor,
    private readonly settings: DeflateSettings,
  ) {}

  inflate(data: Uint8Array, last: boolean, budget: number, output: (piece: Uint8Array) => void): void {
    if (this.context === null) this.context = this.owner.acquire("inflate", this.settings.windowBits);
    const context = this.context;
    try {
      let produced = this.feed(context, data, budget, 0, output);
      if (last) produced = this.feed(context, DEFLATE_TAIL, budget, produced, output);
    } catch (error) {
      context.close();
      this.context = null;
      this.streamEnded = false;
      throw error;
    }
    if (!last) return;
    if (this.settings.noContextTakeover) {
      this.owner.release(context);
      this.context = null;
    } else if (this.streamEnded) {
      // After a final block the peer starts a new DEFLATE stream; zlib needs a reset to accept it.
      context.reset();
    }
    this.streamEnded = false;
  }

  private feed(
    context: ZlibContext,
    input: Uint8Array,
    budget: number,
    producedBefore: number,
    output: (piece: Uint8Array) => void,
  ): number {
    if (input.length === 0) return producedBefore;
    if (this.streamEnded) {
      if (input === DEFLATE_TAIL) return producedBefore;
      throw protocolError("PROTOCOL_ERROR", "permessage-deflate: data follows the final DEFLATE block of a message");
    }
    const scratch = this.owner.scratch;
    let produced = producedBefore;
    let offset = 0;
    let left = input.length;
    for (;;) {
      const error = context.step(this.owner.syncFlush, input, offset, left, scratch);
      if (error !== null) {
        throw protocolError("PROTOCOL_ERROR", `permessage-deflate: the compressed data is invalid (${error})`);
      }
      if (context.produced > 0) {
        produced += context.produced;
        if (produced > budget) {
          throw protocolError(
            "MESSAGE_TOO_LARGE",
            `an inflated message passed maxMessageSize (${budget} bytes left) while inflating`,
          );
        }
        output(scratch.subarray(0, context.produced));
      }
      offset += left - context.inputLeft;
      left = context.inputLeft;
      if (context.produced < scratch.length) break;
    }
    if (left > 0) {
      // zlib stopped with input left and room to spare: the stream ended (a BFINAL block).
      this.streamEnded = true;
      if (input !== DEFLATE_TAIL) {
        throw protocolError("PROTOCOL_ERROR", "permessage-deflate: data follows the final DEFLATE block of a message");
      }
    }
    return produced;
  }

  dispose(): void {
    // release() resets the stream, also one cut off inside a message.
    if (this.context) this.owner.release(this.context);
    this.context = null;
  }
}

/**
 * A {@link CompressorFactory} over node:zlib. Pass the module: the package's runtime-neutral code never
 * imports `node:` modules itself.
 *
 * @example
 * ```ts
 * import zlib from "node:zlib";
 * const compressor = createZlibCompressor(zlib, { level: 1, memLevel: 7 });
 * ```
 * @throws Error when this runtime's node:zlib lacks the synchronous handle this compressor drives.
 */
export function createZlibCompressor(zlib: ZlibModule, options: ZlibCompressorOptions = {}): CompressorFactory {
  const { level = -1, memLevel = 8, maxIdleContexts = 4 } = options;
  if (!Number.isInteger(level) || level < -1 || level > 9)
    throw new RangeError(`level must be an integer from -1 to 9, got ${level}`);
  if (!Number.isInteger(memLevel) || memLevel < 1 || memLevel > 9) {
    throw new RangeError(`memLevel must be an integer from 1 to 9, got ${memLevel}`);
  }
  if (!Number.isInteger(maxIdleContexts) || maxIdleContexts < 0) {
    throw new RangeError(`maxIdleContexts must be a non-negative integer, got ${maxIdleContexts}`);
  }
  const compressor = new ZlibCompressor(zlib, level, memLevel, maxIdleContexts);
  // Probe once, so a runtime without the handle fails here and not on the first compressed message.
  compressor.release(compressor.acquire("inflate", 15));
  return compressor;
}
