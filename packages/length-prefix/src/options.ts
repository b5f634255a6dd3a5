/**
 * Length-prefix options, their defaults, and the validated geometry the decoder and encoder share.
 *
 * The wire layout (Netty's LengthFieldBasedFrameDecoder vocabulary):
 *
 * ```
 *  ◄──────────────────────────── frame ─────────────────────────────►
 *  ┌──────────────────┬──────────────┬─────────────────────────────────┐
 *  │ lengthFieldOffset│ length field │ (length + lengthAdjustment) bytes│
 *  │ bytes (opaque)   │ header bytes │                                 │
 *  └──────────────────┴──────────────┴─────────────────────────────────┘
 *  ◄ initialBytesToStrip ►◄──────────── message handed to you ─────────►
 * ```
 * Defaults: no offset, a 4-byte big-endian length counting only the payload, and the header stripped,
 * so a message is exactly the payload.
 */
import { checkSizeOption, DEFAULT_MAX_MESSAGE_SIZE } from "@framed/core";

/** The length field's encoding. */
export type HeaderKind =
  | "varint"
  | "uint8"
  | "uint16be"
  | "uint16le"
  | "uint24be"
  | "uint24le"
  | "uint32be"
  | "uint32le"
  | "uint64be"
  | "uint64le";

export const HEADER_KINDS: readonly HeaderKind[] = [
  "varint",
  "uint8",
  "uint16be",
  "uint16le",
  "uint24be",
  "uint24le",
  "uint32be",
  "uint32le",
  "uint64be",
  "uint64le",
];

/**
 * Options of {@link lengthPrefix}.
 *
 * @example
 * ```ts
 * lengthPrefix();                                     // 4-byte big-endian length, then the payload
 * lengthPrefix({ header: "varint" });                 // protobuf / it-length-prefixed
 * lengthPrefix({ header: "uint16be", lengthIncludesHeader: true });
 * ```
 */
export interface LengthPrefixOptions {
  /** Length field encoding. Default `"uint32be"`. `varint` is unsigned LEB128, at most 10 bytes, minimal only. */
  header?: HeaderKind;
  /** Opaque bytes before the length field (decode only). Default 0. */
  lengthFieldOffset?: number;
  /**
   * Added to the length field's value to get the number of bytes after the field (signed). Default 0.
   * Use `-headerBytes` when the length counts the header, or a positive value for a trailer the length omits.
   */
  lengthAdjustment?: number;
  /** Bytes removed from the start of each frame before it is handed out. Default: everything up to the end of the length field. */
  initialBytesToStrip?: number;
  /** The length field counts the header itself (both ways). Same as `lengthAdjustment: -(offset + header size)`. */
  lengthIncludesHeader?: boolean;
  /** Largest message (after stripping) accepted or sent. Default {@link DEFAULT_MAX_MESSAGE_SIZE} (16 MiB). */
  maxMessageSize?: number;
  /**
   * What a declared length over `maxMessageSize` does: `"error"` (default) ends the stream; `"skip"` drops that
   * message's bytes as they arrive (never buffering them), warns once and goes on, as newline's `oversize` does.
   * `"discard"` is the deprecated old name of `"skip"` (accepted until the next minor version).
   */
  oversize?: "error" | "skip" | "discard";
}

/** Options after defaults and validation. */
export interface Geometry {
  header: HeaderKind;
  /** Fixed header size in bytes, or 0 for varint. */
  fixedSize: number;
  littleEndian: boolean;
  offset: number;
  adjustment: number;
  /** Undefined: strip through the end of the length field (its end varies with a varint). */
  strip: number | undefined;
  maxMessageSize: number;
  discardOversize: boolean;
}

function fixedSizeOf(header: HeaderKind): number {
  if (header === "varint") return 0;
  return Number(header.slice(4, header.length - (header === "uint8" ? 0 : 2))) / 8;
}

/** Validate options, naming the bad one. */
export function resolveGeometry(options: LengthPrefixOptions = {}): Geometry {
  const header = options.header ?? "uint32be";
  // TypeError for a wrong type, an unknown choice or clashing options, RangeError for a number out of range:
  // the split Node's own option errors follow, and the one every framing in this repository uses.
  if (!HEADER_KINDS.includes(header)) {
    throw new TypeError(
      `length-prefix: header must be one of ${HEADER_KINDS.join(", ")}; got ${JSON.stringify(header)}`,
    );
  }
  const fixedSize = fixedSizeOf(header);
  const offset = checkSizeOption("length-prefix: lengthFieldOffset", options.lengthFieldOffset, 0);
  if (options.lengthAdjustment !== undefined && !Number.isSafeInteger(options.lengthAdjustment)) {
    throw new RangeError(`length-prefix: lengthAdjustment must be a safe integer, got ${options.lengthAdjustment}`);
  }
  if (options.lengthIncludesHeader && options.lengthAdjustment !== undefined) {
    throw new TypeError("length-prefix: use either lengthIncludesHeader or lengthAdjustment, not both");
  }
  if (options.lengthIncludesHeader && header === "varint") {
    throw new TypeError(
      "length-prefix: lengthIncludesHeader needs a fixed-size header (a varint's size depends on its value)",
    );
  }
  const adjustment = options.lengthIncludesHeader ? -(offset + fixedSize) : (options.lengthAdjustment ?? 0);
  const strip =
    options.initialBytesToStrip === undefined
      ? undefined
      : checkSizeOption("length-prefix: initialBytesToStrip", options.initialBytesToStrip, 0);
  const oversize = options.oversize ?? "error";
  if (oversize !== "error" && oversize !== "skip" && oversize !== "discard") {
    throw new TypeError(`length-prefix: oversize must be one of "error", "skip", got ${JSON.stringify(oversize)}`);
  }
  return {
    header,
    fixedSize,
    littleEndian: header.endsWith("le"),
    offset,
    adjustment,
    strip,
    maxMessageSize: checkSizeOption("length-prefix: maxMessageSize", options.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE),
    discardOversize: oversize !== "error",
  };
}
