/**
 * The few raw `Deno.Conn` operations the opening handshake needs before the framed stream takes the
 * connection over: read an HTTP head, write all bytes, refuse politely, close without throwing.
 */
import type { HttpHeadReader, RawHead } from "../handshake/http-head.ts";
import { refusal } from "../handshake/http-response.ts";
import type { DenoConn } from "./deno-api.ts";

/** Big enough for any sane upgrade head in one read; what follows the head is handed on as `rest`. */
const HEAD_READ_SIZE = 16 * 1024;

/** How long a refused client gets to read the answer and hang up before the connection is cut. */
const REFUSAL_LINGER_MS = 1000;

/**
 * Read from `conn` until `reader` has a whole head. Resolves null when the peer closed first. Bytes after
 * the head (frames sent eagerly in the same packet) are in the head's `rest`.
 *
 * @example
 * ```ts
 * const head = await readHead(conn, new HttpHeadReader("request"));
 * if (head) validateUpgradeRequest(parseRequestHead(head.text));
 * ```
 */
export async function readHead(conn: DenoConn, reader: HttpHeadReader): Promise<RawHead | null> {
  const buffer = new Uint8Array(HEAD_READ_SIZE);
  for (;;) {
    const count = await conn.read(buffer);
    if (count === null) return null;
    // A copy: the reader keeps the chunk, and `buffer` is reused by the next read.
    const head = reader.push(buffer.slice(0, count));
    if (head) return head;
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
 * Answer a refused handshake with `status` and close. The write side is shut first and what the client
 * still sends is read and dropped for a moment, so the answer is not lost to a reset.
 */
export async function refuseConn(conn: DenoConn, status: number, message: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await writeAll(conn, refusal(status, message));
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
