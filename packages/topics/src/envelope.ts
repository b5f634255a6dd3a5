/**
 * The envelope every backplane message travels in: who published it and its sequence number, so receivers
 * drop their own echoes, keep order per publisher and topic, and count what they missed.
 *
 * ```text
 *  version │ origin (16 random bytes) │ sequence (uint64 BE, per origin and topic) │ payload (the codec's bytes)
 *     1    │            16            │                     8                      │ …
 * ```
 */
import { FramedError } from "@framed/core";

const VERSION = 1;
const HEADER = 1 + 16 + 8;

/** A process's identity on the backplane: random, new each time a `Topics` is made. */
export function newOrigin(): Uint8Array {
  const origin = new Uint8Array(16);
  crypto.getRandomValues(origin);
  return origin;
}

export function wrap(origin: Uint8Array, sequence: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(HEADER + payload.length);
  bytes[0] = VERSION;
  bytes.set(origin, 1);
  const view = new DataView(bytes.buffer);
  view.setUint32(17, Math.floor(sequence / 2 ** 32));
  view.setUint32(21, sequence >>> 0);
  bytes.set(payload, HEADER);
  return bytes;
}

export interface Unwrapped {
  /** The origin as hex, for map keys. */
  origin: string;
  sequence: number;
  payload: Uint8Array;
}

export function unwrap(bytes: Uint8Array): Unwrapped {
  if (bytes.length < HEADER || bytes[0] !== VERSION) {
    throw new FramedError("INVALID_FRAME", `a backplane message of ${bytes.length} bytes has no version-1 envelope`);
  }
  let origin = "";
  for (let i = 1; i < 17; i++) origin += bytes[i].toString(16).padStart(2, "0");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sequence = view.getUint32(17) * 2 ** 32 + view.getUint32(21);
  return { origin, sequence, payload: bytes.subarray(HEADER) };
}

export function originHex(origin: Uint8Array): string {
  let hex = "";
  for (const byte of origin) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The last sequence number seen per origin and topic, bounded: past `limit` pairs the oldest is forgotten
 * (its next message then starts a fresh count, so a gap there goes uncounted).
 */
export class SequenceTracker {
  private readonly last = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** How many messages were missed before this one (0 in order); -1 when it is not newer than the last seen. */
  observe(origin: string, topic: string, sequence: number): number {
    const key = `${origin}\u0000${topic}`;
    const previous = this.last.get(key);
    if (previous !== undefined && sequence <= previous) return -1;
    if (previous === undefined && this.last.size >= this.limit) {
      const oldest = this.last.keys().next().value as string;
      this.last.delete(oldest);
    }
    // Re-inserted so the Map's order is least recently seen first.
    this.last.delete(key);
    this.last.set(key, sequence);
    return previous === undefined ? 0 : sequence - previous - 1;
  }

  /** Forget a topic's publishers (its last local subscriber left: we stop hearing it). */
  forgetTopic(topic: string): void {
    const suffix = `\u0000${topic}`;
    for (const key of this.last.keys()) if (key.endsWith(suffix)) this.last.delete(key);
  }

  get size(): number {
    return this.last.size;
  }
}
