/**
 * The few raw `Deno.Conn` operations the opening handshake needs before the framed stream takes the
 * connection over: read until a handshake head is complete, write all bytes, refuse politely, close without throwing.
 */
import { REFUSAL_LINGER_MS } from "../adapter/server-accept.ts";
import type { DenoConn } from "./deno-api.ts";

/** Big enough for any sane upgrade head in one read; what follows the head is handed on as `rest`. */
const HEAD_READ_SIZE = 16 * 1024;

/**
 * Read from `conn`, handing each read to `feed` until it returns something: a handshake object's answer
 * once the head it waits for is complete. Resolves null when the peer closed first.
 *
 * @example
 * ```ts
 * const outcome = await readUntil(conn, (bytes) => accept.receive(bytes));
 * ```
 */
export async function readUntil<T>(conn: DenoConn, feed: (bytes: Uint8Array) => T | undefined): Promise<T | null> {
  const buffer = new Uint8Array(HEAD_READ_SIZE);
  for (;;) {
    const count = await conn.read(buffer);
    if (count === null) return null;
    // A copy: the head reader keeps the chunk, and `buffer` is reused by the next read.
    const result = feed(buffer.slice(0, count));
    if (result !== undefined) return result;
  }
}

/** Write every byte (Deno's `write` may take only part). */
export async function writeAll(conn: DenoConn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(offset === 0 ? bytes : bytes.subarray(offset));
}

/** Close `conn`, ignoring "already closed". */
export function closeQuietly(conn: DenoConn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Answer a refused handshake with `response` (the refusal's bytes) and close. The write side is shut first and what the client
 * still sends is read and dropped for a moment, so the answer is not lost to a reset.
 */
export async function refuseConn(conn: DenoConn, response: Uint8Array): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await writeAll(conn, response);
    await conn.closeWrite();
    timer = setTimeout(() => closeQuietly(conn), REFUSAL_LINGER_MS);
    const sink = new Uint8Array(HEAD_READ_SIZE);
    while ((await conn.read(sink)) !== null) {
      // Dropped: the client's request is already refused.
    }
  } catch {
    // The client left first, or the linger ran out.
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    closeQuietly(conn);
  }
}
