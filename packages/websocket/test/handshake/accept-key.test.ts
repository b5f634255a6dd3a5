// Sec-WebSocket-Key / -Accept and the pure TypeScript SHA-1 behind them.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeAccept, createKey, isValidKey } from "../../src/handshake/accept-key.ts";
import { sha1 } from "../../src/handshake/sha1.ts";
import { SAMPLE_ACCEPT, SAMPLE_KEY } from "./requests.ts";

const nodeSha1 = (bytes: Uint8Array) => new Uint8Array(createHash("sha1").update(bytes).digest());

describe("sha1", () => {
  it("matches the FIPS 180-4 test vectors", () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
    expect(hex(sha1(new TextEncoder().encode("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(hex(sha1(new Uint8Array(0)))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(hex(sha1(new TextEncoder().encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    );
  });

  it("agrees with node:crypto for any input, across block-boundary lengths", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha1(bytes)).toEqual(nodeSha1(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

describe("computeAccept", () => {
  it("derives the RFC 6455 §1.3 example accept value from its key", () => {
    expect(computeAccept(SAMPLE_KEY)).toBe(SAMPLE_ACCEPT);
    expect(computeAccept(SAMPLE_KEY, nodeSha1)).toBe(SAMPLE_ACCEPT);
  });
});

describe("keys", () => {
  it("createKey makes 16 random bytes in base64, different each time", () => {
    const keys = new Set(Array.from({ length: 50 }, () => createKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(isValidKey(key)).toBe(true);
      expect(Buffer.from(key, "base64")).toHaveLength(16);
    }
  });

  it("isValidKey accepts exactly the base64 encodings of 16 bytes", () => {
    expect(isValidKey(SAMPLE_KEY)).toBe(true);
    expect(isValidKey(Buffer.alloc(15).toString("base64"))).toBe(false);
    expect(isValidKey(Buffer.alloc(17).toString("base64"))).toBe(false);
    expect(isValidKey(`${SAMPLE_KEY} `)).toBe(false);
    expect(isValidKey("dGhlIHNhbXBsZSBub25jZQ=")).toBe(false);
    expect(isValidKey("dGhlIHNhbXBsZSBub25j*Q==")).toBe(false);
    expect(isValidKey("")).toBe(false);
  });
});
