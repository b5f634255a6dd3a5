/**
 * `Sec-WebSocket-Key` and `Sec-WebSocket-Accept` (RFC 6455 §4.1, §4.2.2): making a key, checking one,
 * and deriving the accept value from it.
 */
import { type Sha1, sha1 } from "./sha1.ts";

/** The GUID RFC 6455 appends to the key before hashing. */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Base64 of exactly 16 bytes: 22 characters then "==". Like Python's `b64decode`, the 4 unused bits of
 * the last character are not checked: any such key decodes to 16 bytes.
 */
const KEY_PATTERN = /^[A-Za-z0-9+/]{22}==$/;

/** Standard base64 of `bytes` (btoa exists on Node ≥ 16, Deno and browsers). */
export function encodeBase64(bytes: Uint8Array): string {
  if (bytes.length <= 4096) return btoa(String.fromCharCode.apply(null, bytes as unknown as number[]));
  let binary = "";
  // In slices, so the argument list stays small.
  for (let i = 0; i < bytes.length; i += 4096) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return btoa(binary);
}

/** True when `key` is the base64 encoding of exactly 16 bytes, as §4.1 requires of `Sec-WebSocket-Key`. */
export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * A fresh `Sec-WebSocket-Key`: 16 random bytes, base64.
 *
 * @example
 * ```ts
 * createKey(); // "dGhlIHNhbXBsZSBub25jZQ=="-shaped
 * ```
 */
export function createKey(
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  return encodeBase64(random(new Uint8Array(16)));
}

/**
 * The `Sec-WebSocket-Accept` value for a key: base64(SHA-1(key + GUID)).
 *
 * @example
 * ```ts
 * computeAccept("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" (RFC 6455 §1.3)
 * ```
 */
export function computeAccept(key: string, digest: Sha1 = sha1): string {
  const input = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) bytes[i] = input.charCodeAt(i);
  return encodeBase64(digest(bytes));
}
