/**
 * Several pieces in one `writev` on a plain Bun TCP socket. Bun's `socket.write` takes one buffer, so a tick
 * of large frames (each a header and a payload) cost a system call per piece, where Node's writev sends them
 * all in one; joining them first costs a copy of every payload. Measured on a 64 KiB WebSocket echo: 32 calls
 * per 16 frames, about a tenth of the server's CPU per message at one connection, a few percent at 100.
 *
 * It writes the socket's descriptor through `node:fs`, only where that is the same as Bun's own write: a plain
 * TCP (or Unix) socket, never TLS (its bytes must go through the TLS layer), not on Windows (a descriptor there
 * is not a file), and only while Bun reports the descriptor open. Bun keeps no bytes of its own between our
 * writes (a write returns what the kernel took), so the two kinds of write keep their order.
 */
import { writevSync } from "node:fs";
import type { BunSocket } from "./bun-api.ts";

/** Linux's IOV_MAX: more pieces than this are written in more calls. */
const MAX_PIECES = 1024;

/**
 * Whether `socket` is a plain Bun TCP or Unix socket on a system where its descriptor can be written directly.
 * Anything else (TLS, a test double, an unknown runtime object) answers false and keeps Bun's `write`.
 *
 * @example
 * ```ts
 * const vectored = canWriteVectored(socket); // once, when the transport is made
 * ```
 */
export function canWriteVectored(socket: BunSocket<unknown>): boolean {
  const platform = (globalThis as { process?: { platform?: string } }).process?.platform;
  if (platform === undefined || platform === "win32") return false;
  // Bun's socket classes: "TCPSocket" for plain TCP and Unix sockets, "TLSSocket" for TLS.
  if (Object.prototype.toString.call(socket) !== "[object TCPSocket]") return false;
  return typeof socket.fd === "number";
}

/**
 * Write `pieces` in order with `writev` (one call per 1,024 pieces); returns how many bytes the kernel took: 0
 * when it took none, the descriptor is closed, or the call failed. The caller writes the rest with
 * `socket.write`, which reports a closed socket and makes Bun call `drain` once the kernel has room again.
 *
 * @example
 * ```ts
 * const written = writeVectored(socket, [header, payload]);
 * ```
 */
export function writeVectored(socket: BunSocket<unknown>, pieces: Uint8Array[]): number {
  // Read each time: Bun sets it to -1 as it closes the socket, so a number that a new socket reuses is never written.
  const fd = socket.fd;
  if (fd === undefined || fd < 0) return 0;
  if (pieces.length <= MAX_PIECES) return writeOnce(fd, pieces);
  let total = 0;
  for (let start = 0; start < pieces.length; start += MAX_PIECES) {
    const batch = pieces.slice(start, start + MAX_PIECES);
    const written = writeOnce(fd, batch);
    total += written;
    if (written < batch.reduce((sum, piece) => sum + piece.length, 0)) break;
  }
  return total;
}

function writeOnce(fd: number, pieces: Uint8Array[]): number {
  try {
    return writevSync(fd, pieces);
  } catch {
    // EAGAIN (the kernel is full) or a failing socket: `socket.write` takes over and tells which.
    return 0;
  }
}
