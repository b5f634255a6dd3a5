/**
 * UTF-8 checks for text messages and close reasons: a native one-shot decode for whole payloads, and an
 * incremental validator that fails on the first byte that cannot continue a valid sequence.
 */

// Both run natively everywhere (Node, Deno, browsers). `fatal` makes invalid input throw instead of
// becoming U+FFFD; in streaming mode the WHATWG decoder checks each byte against the allowed range for
// its position, so an impossible prefix (F4 90, ED A0, E0 80…) throws at once, before the sequence ends.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Decode `bytes` as UTF-8, or return null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Decode bytes already known to be valid UTF-8 (checked piece by piece with {@link Utf8Validator}). */
export function decodeValidatedUtf8(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

/**
 * Validates a byte stream piece by piece: `push` returns false as soon as a piece contains a byte that
 * no valid UTF-8 text could have at that position, also in the middle of an unfinished sequence.
 *
 * @example
 * ```ts
 * const validator = new Utf8Validator();
 * validator.push(Uint8Array.of(0xce));       // true: a valid start of "κ"
 * validator.push(Uint8Array.of(0xba, 0xf4, 0x90)); // false: F4 90 starts a code point above U+10FFFF
 * ```
 */
export class Utf8Validator {
  private decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  /** Check the next piece. The decoded text is thrown away: the whole message is decoded once at its end. */
  push(bytes: Uint8Array): boolean {
    try {
      this.decoder.decode(bytes, { stream: true });
      return true;
    } catch {
      return false;
    }
  }

  /** The stream ended: false when it stopped inside a sequence. Resets the validator either way. */
  end(): boolean {
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }

  /** Forget any partial sequence (after a failed message). */
  reset(): void {
    this.decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  }
}
