// Builders for handshake test inputs: a valid upgrade request as text or bytes, with fields overridden.

export const SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
export const SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/** Fields of a valid request; `null` removes a field. */
export type FieldOverrides = Record<string, string | null>;

const BASE_FIELDS: Array<[string, string]> = [
  ["Host", "server.example.com"],
  ["Upgrade", "websocket"],
  ["Connection", "Upgrade"],
  ["Sec-WebSocket-Key", SAMPLE_KEY],
  ["Sec-WebSocket-Version", "13"],
];

/** A request head's text (without the final blank line), with `overrides` applied. */
export function requestText(overrides: FieldOverrides = {}, startLine = "GET /chat HTTP/1.1"): string {
  const lines = [startLine];
  const overridden = new Set(Object.keys(overrides).map((name) => name.toLowerCase()));
  for (const [name, value] of BASE_FIELDS) if (!overridden.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  for (const [name, value] of Object.entries(overrides)) if (value !== null) lines.push(`${name}: ${value}`);
  return lines.join("\r\n");
}

/** The same request as bytes, terminated, optionally followed by `rest`. */
export function requestBytes(overrides: FieldOverrides = {}, rest: Uint8Array = new Uint8Array(0)): Uint8Array {
  const head = latin1Bytes(`${requestText(overrides)}\r\n\r\n`);
  const bytes = new Uint8Array(head.length + rest.length);
  bytes.set(head);
  bytes.set(rest, head.length);
  return bytes;
}

/** Text as Latin-1 bytes (one byte per char). */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** Bytes as Latin-1 text. */
export function latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
