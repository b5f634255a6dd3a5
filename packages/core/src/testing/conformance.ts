/**
 * The conformance kit every framing package runs over its own framing.
 *
 * Framework-agnostic: each check throws an `Error` describing the first failure, so it works inside
 * vitest, `deno test` and browser tests alike.
 */
import fc from "fast-check";
import { FramedError } from "../errors.ts";
import type { Framing, Role } from "../framing.ts";
import { concatBytes, decodeChunks, encodeMessages } from "./session-harness.ts";

/** What the kit needs to know about a framing. */
export interface ConformanceSubject<T> {
  framing: Framing<T>;
  /** Messages to encode and decode back; include empty and large ones. */
  messages: T[];
  /** Role of the decoding side (the encoder uses the other). Default `"server"`. */
  role?: Role;
  /** Equality for decoded messages. Default: byte equality for `Uint8Array`, `JSON.stringify` otherwise. */
  equals?: (a: T, b: T) => boolean;
  /** Pre-encoded bytes, when the framing's encoder output cannot be fed back directly. */
  encoded?: Uint8Array;
}

function defaultEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function encodedBytes<T>(subject: ConformanceSubject<T>): Uint8Array {
  if (subject.encoded) return subject.encoded;
  const decoder = subject.role ?? "server";
  return encodeMessages(subject.framing, subject.messages, decoder === "server" ? "client" : "server");
}

/** Fresh copies: a session owns the chunks it receives and may change them (WebSocket unmasks in place). */
function owned(chunks: Uint8Array[]): Uint8Array[] {
  return chunks.map((chunk) => chunk.slice());
}

function expectSameMessages<T>(subject: ConformanceSubject<T>, chunks: Uint8Array[], label: string): void {
  const record = decodeChunks(subject.framing, owned(chunks), { role: subject.role ?? "server" });
  const equals = subject.equals ?? defaultEquals;
  if (record.end?.error) {
    throw new Error(`${subject.framing.name}: ${label}: decoding failed: ${record.end.error.message}`);
  }
  if (record.messages.length !== subject.messages.length) {
    throw new Error(
      `${subject.framing.name}: ${label}: expected ${subject.messages.length} messages, got ${record.messages.length}`,
    );
  }
  for (let i = 0; i < subject.messages.length; i++) {
    if (!equals(record.messages[i], subject.messages[i])) {
      throw new Error(
        `${subject.framing.name}: ${label}: message ${i} was ${describe(record.messages[i])}, expected ${describe(subject.messages[i])}`,
      );
    }
  }
}

/** Split points: `bytes` cut at each offset in `cuts` (sorted, unique, inside the array). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

/**
 * Every two-chunk split, and the all-single-byte split, decode to the same messages as one chunk.
 * Quadratic in the encoded size: keep `messages` small (a few hundred bytes encoded).
 */
export function checkEverySplit<T>(subject: ConformanceSubject<T>): void {
  const bytes = encodedBytes(subject);
  expectSameMessages(subject, [bytes], "one chunk");
  for (let cut = 1; cut < bytes.length; cut++)
    expectSameMessages(subject, splitAt(bytes, [cut]), `split at byte ${cut}`);
  const singles = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
  expectSameMessages(subject, singles, "one byte per chunk");
}

/** Random splits of the encoded bytes (fast-check) decode to the same messages. */
export function checkRandomSplits<T>(subject: ConformanceSubject<T>, options: { numRuns?: number } = {}): void {
  const bytes = encodedBytes(subject);
  if (bytes.length < 2) {
    expectSameMessages(subject, [bytes], "one chunk");
    return;
  }
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 64 }), (cuts) => {
      cuts.sort((a, b) => a - b);
      expectSameMessages(subject, splitAt(bytes, cuts), `split at [${cuts.join(",")}]`);
    }),
    { numRuns: options.numRuns ?? 200 },
  );
}

/**
 * Random bytes, split randomly, end in messages or a `FramedError`, never another exception, and the
 * session never reports anything after its end. (Sessions are synchronous, so "never hangs" is "returns".)
 */
export function checkRandomBytes<T>(
  framing: Framing<T>,
  options: { numRuns?: number; role?: Role; maxLength?: number; seedPrefix?: Uint8Array } = {},
): void {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: options.maxLength ?? 512 }),
      fc.array(fc.nat(), { maxLength: 16 }),
      (random, rawCuts) => {
        const bytes = options.seedPrefix ? concatBytes([options.seedPrefix, random]) : random;
        const cuts = [...new Set(rawCuts.map((c) => (bytes.length > 1 ? 1 + (c % (bytes.length - 1)) : 0)))]
          .filter((c) => c > 0)
          .sort((a, b) => a - b);
        let record: ReturnType<typeof decodeChunks<T>>;
        try {
          record = decodeChunks(framing, owned(splitAt(bytes, cuts)), { role: options.role ?? "server" });
        } catch (error) {
          throw new Error(`${framing.name}: random input threw instead of reporting a FramedError: ${String(error)}`);
        }
        if (record.end?.error && !(record.end.error instanceof FramedError)) {
          throw new Error(`${framing.name}: session ended with a non-FramedError: ${String(record.end.error)}`);
        }
      },
    ),
    { numRuns: options.numRuns ?? 500 },
  );
}

/** Runs all three checks with defaults suitable for the fast test command. */
export function checkConformance<T>(subject: ConformanceSubject<T>, options: { numRuns?: number } = {}): void {
  checkEverySplit(subject);
  checkRandomSplits(subject, options);
  checkRandomBytes(subject.framing, { role: subject.role, numRuns: options.numRuns });
}
