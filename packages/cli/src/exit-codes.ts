/**
 * The exit codes scripts can rely on, and the error that carries one with its one-line reason.
 */

/**
 * `framed`'s exit codes. Stable: a script may branch on them.
 *
 * @example
 * ```ts
 * if (result.status === EXIT.CONNECT_FAILED) retryLater();
 * ```
 */
export const EXIT = {
  /** The connection ended cleanly (a normal close, or stdin ended and the linger passed). */
  OK: 0,
  /** Anything else: the connection was reset or lost, or framed itself failed. */
  FAILED: 1,
  /** Bad command line: unknown command or flag, a missing or malformed value. */
  USAGE: 2,
  /** The connection could not be opened: refused, unreachable, unknown host, port in use. */
  CONNECT_FAILED: 3,
  /** The peer refused the handshake: a WebSocket upgrade refused or not answered as one (wrong framing), or a TLS certificate refused. */
  HANDSHAKE_FAILED: 4,
  /** Bad input: the peer broke the framing (bad frame, oversized message, bad UTF-8 or JSON) or stdin did. */
  BAD_INPUT: 5,
  /** A handshake, idle or close timeout expired. */
  TIMEOUT: 6,
  /** The peer closed the WebSocket with an error code (anything but 1000 normal or 1001 going away). */
  PEER_ERROR_CLOSE: 7,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure the CLI reports as one line on stderr and an exit code. `cause` is shown only with `--verbose`.
 *
 * @example
 * ```ts
 * throw new CliError(EXIT.USAGE, "--linger must be a number of milliseconds, got \"soon\"");
 * ```
 */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
