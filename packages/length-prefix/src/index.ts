/**
 * `@framed/length-prefix`: length-header framing (varint or fixed 1–8 byte integers, Netty-style geometry).
 */
export { maxUint, readUint, writeUint } from "./fixed-int.ts";
export { lengthPrefix } from "./length-prefix.ts";
export { HEADER_KINDS, type HeaderKind, type LengthPrefixOptions } from "./options.ts";
export { MAX_VARINT_BYTES, readVarint, type VarintResult, varintLength, writeVarint } from "./varint.ts";
