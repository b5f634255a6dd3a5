// Pre-encoded request frames and header-only reply counters for each wire format the load client speaks.
//
// Wire kinds: "lp-varint" (LEB128 length, as it-length-prefixed and length-prefixed-stream use), "lp-u32"
// (4-byte big-endian length), "newline" (LF-terminated), "ws" (RFC 6455 binary frames; requests masked).

/** The bytes of one request message of `size` payload bytes in wire format `kind`. */
export function encodeFrame(kind, size) {
  const payload = Buffer.alloc(size, kind === "newline" ? 0x61 : 0x5a);
  if (kind === "newline") return Buffer.concat([payload, Buffer.of(0x0a)]);
  if (kind === "lp-u32") {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(size);
    return Buffer.concat([header, payload]);
  }
  if (kind === "lp-varint") return Buffer.concat([encodeVarint(size), payload]);
  if (kind === "ws") {
    // A masked binary client frame; the key is fixed (the server does not judge randomness).
    const key = Buffer.of(0x12, 0x34, 0x56, 0x78);
    let header;
    if (size < 126) header = Buffer.of(0x82, 0x80 | size);
    else if (size < 65536) header = Buffer.of(0x82, 0x80 | 126, size >> 8, size & 0xff);
    else {
      header = Buffer.alloc(10);
      header[0] = 0x82;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(size), 2);
    }
    for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
    return Buffer.concat([header, key, payload]);
  }
  throw new Error(`unknown wire kind ${kind}`);
}

/** LEB128 (unsigned varint) bytes of `value`. */
export function encodeVarint(value) {
  const bytes = [];
  while (value >= 128) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

// Header parsers: `(bytes, at, end, out)` → header length, or -1 when the header is not complete yet.
// They set `out.body` (payload bytes that follow) and `out.counts` (whether the frame ends a message).
const headerParsers = {
  "lp-varint"(bytes, at, end, out) {
    let value = 0;
    let multiplier = 1;
    for (let i = at; i < end && i < at + 10; i++) {
      value += (bytes[i] & 0x7f) * multiplier;
      if ((bytes[i] & 0x80) === 0) {
        out.body = value;
        out.counts = true;
        return i + 1 - at;
      }
      multiplier *= 128;
    }
    if (end - at >= 10) throw new Error("reply has a varint longer than 10 bytes");
    return -1;
  },
  "lp-u32"(bytes, at, end, out) {
    if (end - at < 4) return -1;
    out.body = bytes[at] * 0x1000000 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
    out.counts = true;
    return 4;
  },
  // Replies from a WebSocket server are unmasked; a plain TCP echo returns our masked frames unchanged.
  ws(bytes, at, end, out) {
    if (end - at < 2) return -1;
    const first = bytes[at];
    const second = bytes[at + 1];
    const short = second & 0x7f;
    const length = 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0);
    if (end - at < length) return -1;
    const opcode = first & 0x0f;
    if (opcode === 0x8) throw new Error("the server sent a WebSocket close frame");
    if (short < 126) out.body = short;
    else if (short === 126) out.body = (bytes[at + 2] << 8) | bytes[at + 3];
    else {
      out.body = 0;
      for (let i = at + 2; i < at + 10; i++) out.body = out.body * 256 + bytes[i];
    }
    // A message ends with a FIN data frame (opcode 0, 1 or 2); control frames are skipped, not counted.
    out.counts = (first & 0x80) !== 0 && opcode < 0x8;
    return length;
  },
};

/**
 * A counter of complete messages in a reply byte stream. Length-delimited kinds read each header and skip
 * the body; newline scans with native `indexOf`. Headers split across chunks are carried over; the fast
 * path allocates nothing.
 *
 * @example
 * ```js
 * const count = replyCounter("lp-varint");
 * socket.on("data", (chunk) => (total += count(chunk)));
 * ```
 */
export function replyCounter(kind) {
  if (kind === "newline") {
    return (chunk) => {
      let count = 0;
      let at = chunk.indexOf(0x0a);
      while (at !== -1) {
        count++;
        at = chunk.indexOf(0x0a, at + 1);
      }
      return count;
    };
  }
  const parse = headerParsers[kind];
  if (!parse) throw new Error(`unknown wire kind ${kind}`);
  const header = { body: 0, counts: false };
  const carry = new Uint8Array(16);
  let carried = 0;
  let skip = 0;
  let pendingCount = false;
  return (chunk) => {
    let count = 0;
    let at = 0;
    const end = chunk.length;
    while (at < end) {
      if (skip > 0) {
        const n = Math.min(skip, end - at);
        skip -= n;
        at += n;
        if (skip === 0 && pendingCount) count++;
        continue;
      }
      let length;
      if (carried > 0) {
        // Slow path, only at a chunk boundary: complete the header a byte at a time.
        length = -1;
        while (length === -1 && at < end) {
          carry[carried++] = chunk[at++];
          length = parse(carry, 0, carried, header);
        }
        if (length === -1) break;
        carried = 0;
      } else {
        length = parse(chunk, at, end, header);
        if (length === -1) {
          carry.set(chunk.subarray(at, end));
          carried = end - at;
          break;
        }
        at += length;
      }
      skip = header.body;
      pendingCount = header.counts;
      if (skip === 0 && pendingCount) count++;
    }
    return count;
  };
}
