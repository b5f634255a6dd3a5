/**
 * The chat message on the wire, `{"from":"bob","text":"hi"}` as JSON text, and its one strict reader.
 * Runtime-neutral: the server, the CLI and the browser client all use it.
 */

export interface ChatMessage {
  from: string;
  text: string;
}

/** Largest encoded message either framing accepts; a bigger one closes its sender. */
export const MAX_CHAT_MESSAGE_BYTES = 8 * 1024;
const MAX_NAME_LENGTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/**
 * Read one message (text from WebSocket, bytes from length-prefix). Throws an Error that says what was
 * wrong: not UTF-8, not JSON, or not `{ from, text }` with string fields.
 */
export function parseChatMessage(data: string | Uint8Array): ChatMessage {
  let text: string;
  try {
    text = typeof data === "string" ? data : utf8.decode(data);
  } catch {
    throw new Error("not a chat message: the bytes are not UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not a chat message: not JSON (${(error as Error).message})`);
  }
  const message = value as Partial<ChatMessage> | null;
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw new Error("not a chat message: expected a JSON object {from, text}");
  }
  if (typeof message.from !== "string" || message.from.length === 0 || message.from.length > MAX_NAME_LENGTH) {
    throw new Error(`not a chat message: "from" must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (typeof message.text !== "string") throw new Error('not a chat message: "text" must be a string');
  return { from: message.from, text: message.text };
}

/** The JSON text of a message (only its two fields, whatever else the object carries). */
export function encodeChatMessage(message: ChatMessage): string {
  return JSON.stringify({ from: message.from, text: message.text });
}

/** The same as UTF-8 bytes, for length-prefix. */
export function encodeChatBytes(message: ChatMessage): Uint8Array {
  return encoder.encode(encodeChatMessage(message));
}
