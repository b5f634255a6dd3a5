/**
 * permessage-deflate parameters: what a handshake agreed (`DeflateParams`) and what a side asks for
 * (`DeflateOptions`), RFC 7692 §7.
 */

/** permessage-deflate parameters agreed in the handshake (RFC 7692 §7). */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number; // 8..15, 15 when not negotiated
  clientMaxWindowBits: number;
}

/**
 * What one side asks for when it negotiates permessage-deflate. Every field is optional; `{}` (or
 * `deflate: true`) means "compress, with the defaults of RFC 7692".
 *
 * On a server these are requirements applied to every accepted offer; on a client they become the offer.
 *
 * | option | server | client |
 * | --- | --- | --- |
 * | `serverNoContextTakeover` | always reset our compressor after each message | ask the server to reset its compressor |
 * | `clientNoContextTakeover` | ask the client to reset its compressor | announce we reset our compressor |
 * | `serverMaxWindowBits` | cap our compression window (9..15) | cap the server's window (8..15) |
 * | `clientMaxWindowBits` | cap the client's window (9..15); offers that cannot be capped are declined | cap our own window (9..15) |
 */
export interface DeflateOptions {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number;
}

/** The parameters of a permessage-deflate agreement with nothing negotiated: context takeover, 32 KiB windows. */
export const DEFAULT_DEFLATE_PARAMS: Readonly<DeflateParams> = Object.freeze({
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
});

/**
 * The smallest window our own compressor can honour. zlib silently widens an 8-bit raw deflate window
 * to 9 bits, which a peer that agreed to 8 could not inflate; so 8 is accepted for the peer's
 * compressor but never agreed for ours.
 */
export const MIN_COMPRESSOR_WINDOW_BITS = 9;

/** Validates user-supplied {@link DeflateOptions}, naming the bad field. */
export function checkDeflateOptions(options: DeflateOptions, role: "client" | "server"): DeflateOptions {
  const ownKey = role === "server" ? "serverMaxWindowBits" : "clientMaxWindowBits";
  for (const key of ["serverMaxWindowBits", "clientMaxWindowBits"] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const min = key === ownKey || role === "server" ? MIN_COMPRESSOR_WINDOW_BITS : 8;
    if (!Number.isInteger(value) || value < min || value > 15) {
      throw new RangeError(`deflate.${key} must be an integer from ${min} to 15, got ${value}`);
    }
  }
  return options;
}
