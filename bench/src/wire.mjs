// Pre-encoded request frames and header-only reply counters for each wire format the load client speaks.

/** The bytes of one request message of `size` payload bytes in wire format `kind`. */
export function encodeFrame(kind, size) {
  const payload = new Uint8Array(size).fill(kind === "newline" ? 0x61 : 0x5a);
  if (kind === "newline") return Buffer.concat([payload, Buffer.of(0x0a)]);
  if (kind === "lp-u32") {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(size);
    return Buffer.concat([header, payload]);
  }
  if (kind === "lp-varint") {
    const header = [];
    let value = size;
    while (value >= 128) {
      header.push((value % 128) | 0x80);
      value = Math.floor(value / 128);
    }
    header.push(value);
    return Buffer.concat([Buffer.from(header), payload]);
  }
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
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] ^= key[i & 3];
    return Buffer.concat([header, key, masked]);
  }
  throw new Error(`unknown wire kind ${kind}`);
}

/** A counter of complete messages in a reply byte stream, reading headers only. */
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
  // Length-delimited formats: skip `remaining` body bytes, then parse the next header.
  let remaining = 0;
  let header = [];
  const headerLength = (bytes) => {
    if (kind === "lp-u32") return bytes.length >= 4 ? { size: 4, body: Buffer.from(bytes).readUInt32BE(0) } : null;
    if (kind === "lp-varint") {
      let value = 0;
      let multiplier = 1;
      for (let i = 0; i < bytes.length; i++) {
        value += (bytes[i] & 0x7f) * multiplier;
        if ((bytes[i] & 0x80) === 0) return { size: i + 1, body: value };
        multiplier *= 128;
      }
      return null;
    }
    // ws: 2 bytes, then 2 or 8 bytes of extended length, then a mask key when the mask bit is set.
    if (bytes.length < 2) return null;
    const masked = (bytes[1] & 0x80) !== 0;
    const short = bytes[1] & 0x7f;
    const extra = short === 126 ? 2 : short === 127 ? 8 : 0;
    const size = 2 + extra + (masked ? 4 : 0);
    if (bytes.length < size) return null;
    let body = short;
    if (short === 126) body = (bytes[2] << 8) | bytes[3];
    else if (short === 127) body = Number(Buffer.from(bytes.slice(2, 10)).readBigUInt64BE(0));
    return { size, body };
  };
  return (chunk) => {
    let count = 0;
    let position = 0;
    while (position < chunk.length) {
      if (remaining > 0) {
        const skip = Math.min(remaining, chunk.length - position);
        remaining -= skip;
        position += skip;
        if (remaining === 0) count++;
        continue;
      }
      // Fast path: a whole header inside the chunk.
      const take = Math.min(chunk.length - position, 14);
      for (let i = 0; i < take; i++) header.push(chunk[position + i]);
      const parsed = headerLength(header);
      if (!parsed) {
        position += take;
        continue;
      }
      position += take - (header.length - parsed.size);
      header = [];
      remaining = parsed.body;
      if (remaining === 0) count++;
    }
    return count;
  };
}
