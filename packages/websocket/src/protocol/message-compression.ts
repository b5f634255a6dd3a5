/**
 * A session's permessage-deflate state (RFC 7692), made only for a connection that agreed to it: each
 * direction's agreed settings, the deflater and inflater (created on first use, released once), and the
 * largest compressed payload accepted. A connection without compression holds none of it.
 */
import { FramedError, type FramedErrorCode, type Role } from "@framed/core";
import type { CompressorFactory, DeflateSettings, MessageDeflater, MessageInflater } from "../deflate/compressor.ts";
import type { DeflateParams } from "../deflate/params.ts";
import { protocolError } from "./close-codes.ts";

export class MessageCompression {
  /** Largest compressed payload accepted: a DEFLATE stream may be slightly larger than its input. */
  readonly maxCompressedSize: number;
  private readonly sendSettings: DeflateSettings;
  private readonly receiveSettings: DeflateSettings;
  private deflater: MessageDeflater | null = null;
  private inflater: MessageInflater | null = null;

  /**
   * @example
   * ```ts
   * const compression = new MessageCompression(params, "server", createZlibCompressor(zlib), 1 << 20);
   * ```
   */
  constructor(
    params: DeflateParams,
    role: Role,
    private readonly compressor: CompressorFactory,
    maxMessageSize: number,
  ) {
    const server = { windowBits: params.serverMaxWindowBits, noContextTakeover: params.serverNoContextTakeover };
    const client = { windowBits: params.clientMaxWindowBits, noContextTakeover: params.clientNoContextTakeover };
    this.sendSettings = role === "server" ? server : client;
    this.receiveSettings = role === "server" ? client : server;
    // The shape of zlib's deflateBound: incompressible data grows by about 0.03%, plus block headers and the flush.
    this.maxCompressedSize =
      maxMessageSize + Math.floor(maxMessageSize / 4096) + Math.floor(maxMessageSize / 16384) + 64;
  }

  /**
   * One whole message compressed into a frame payload (see {@link MessageDeflater.compress}). Throws a
   * FramedError, `INVALID_MESSAGE` (1011) for whatever else the compressor threw.
   */
  compress(message: Uint8Array): Uint8Array {
    try {
      this.deflater ??= this.compressor.createDeflater(this.sendSettings);
      return this.deflater.compress(message);
    } catch (error) {
      throw asFramedError(error, "INVALID_MESSAGE", "permessage-deflate could not compress a message");
    }
  }

  /**
   * The next piece of a compressed message inflated (see {@link MessageInflater.inflate}). Throws a FramedError:
   * the inflater's or `output`'s own, or `PROTOCOL_ERROR` (1002) for anything else, such as data that is not DEFLATE.
   */
  inflate(data: Uint8Array, last: boolean, budget: number, output: (piece: Uint8Array) => void): void {
    try {
      this.inflater ??= this.compressor.createInflater(this.receiveSettings);
      this.inflater.inflate(data, last, budget, output);
    } catch (error) {
      throw asFramedError(error, "PROTOCOL_ERROR", "permessage-deflate could not inflate a message");
    }
  }

  /** Release the compressors' native resources: the session has ended. */
  dispose(): void {
    this.deflater?.dispose();
    this.inflater?.dispose();
    this.deflater = this.inflater = null;
  }
}

/** A pluggable compressor's own FramedErrors pass through; anything else it threw becomes `code`. */
function asFramedError(error: unknown, code: FramedErrorCode, what: string): FramedError {
  if (error instanceof FramedError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return protocolError(code, `${what}: ${detail}`, error);
}
