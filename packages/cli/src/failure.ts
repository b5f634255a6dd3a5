/**
 * Any error or unclean close turned into the exit code and the one line a user reads, with a hint for the
 * common mistakes: wrong framing for the server, nothing listening, a test certificate.
 */
import type { CloseInfo, FramedError } from "@framed/core";
import { CliError, EXIT, type ExitCode } from "./exit-codes.ts";
import type { FramingName } from "./options.ts";

/** What the CLI reports for a failure. */
export interface Failure {
  exitCode: ExitCode;
  /** One line, no stack. */
  reason: string;
}

const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

const WRONG_FRAMING_HINT =
  " (is it a WebSocket server? for a raw TCP service use --framing newline, ndjson or length-prefix)";

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== (error as { code?: unknown }).code) return code;
    current = current.cause;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Classify an error thrown while connecting, listening or reading.
 *
 * @example
 * ```ts
 * const { exitCode, reason } = describeFailure(error, "websocket");
 * ```
 */
export function describeFailure(error: unknown, framing?: FramingName): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, reason: oneLine(error.message) };
  const framed = error as Partial<FramedError>;
  const message = oneLine(error instanceof Error ? error.message : String(error));
  const cause = causeCode(error);
  switch (framed.code) {
    case "CONNECT_FAILED":
      if (cause !== undefined && TLS_CODES.has(cause)) {
        return {
          exitCode: EXIT.HANDSHAKE_FAILED,
          reason: `TLS certificate refused (${cause}): ${message}; use --insecure for a test certificate`,
        };
      }
      if (cause === "ECONNREFUSED") return { exitCode: EXIT.CONNECT_FAILED, reason: `connection refused: ${message}` };
      return { exitCode: EXIT.CONNECT_FAILED, reason: message };
    case "HANDSHAKE_FAILED": {
      let hint = "";
      if (framed.status === undefined) {
        hint = WRONG_FRAMING_HINT;
      } else if (framed.status === 404) hint = " (check the URL's path)";
      else if (framed.status === 401 || framed.status === 403) hint = " (add credentials with -H 'Authorization: …')";
      return { exitCode: EXIT.HANDSHAKE_FAILED, reason: `WebSocket handshake refused: ${message}${hint}` };
    }
    case "TIMEOUT": {
      // A raw TCP server never sends the blank line that ends an HTTP response: the handshake times out.
      const hint = /handshake response/.test(message) ? WRONG_FRAMING_HINT : "";
      return { exitCode: EXIT.TIMEOUT, reason: `timed out: ${message}${hint}` };
    }
    case "MESSAGE_TOO_LARGE":
    case "INVALID_FRAME":
    case "INVALID_UTF8":
    case "INVALID_JSON":
    case "INVALID_MESSAGE":
    case "TRUNCATED":
    case "PROTOCOL_ERROR":
    case "POLICY_VIOLATION": {
      let hint = "";
      if (framing === "length-prefix" && (framed.code === "MESSAGE_TOO_LARGE" || framed.code === "INVALID_FRAME")) {
        hint = " (is the peer length-prefixed with this --header? an HTTP or text server looks like a huge length)";
      } else if (framing === "ndjson" && framed.code === "INVALID_JSON")
        hint = " (use --framing newline for plain text)";
      return { exitCode: EXIT.BAD_INPUT, reason: `bad input, ${framed.code}: ${message}${hint}` };
    }
    case "CONNECTION_RESET":
      return { exitCode: EXIT.FAILED, reason: `connection lost: ${message}` };
    default:
      return { exitCode: EXIT.FAILED, reason: message };
  }
}

/** Close codes a WebSocket peer may end with and still count as a clean close. */
const CLEAN_CLOSE_CODES = new Set([1000, 1001, 1005]);

/**
 * The exit code for how a stream ended: 0 for a clean close, else its failure.
 *
 * @example
 * ```ts
 * const failure = closeFailure(await stream.closed, "websocket"); // undefined when clean
 * ```
 */
export function closeFailure(info: CloseInfo, framing?: FramingName): Failure | undefined {
  if (info.initiator === "error") return describeFailure(info.error, framing);
  if (info.code !== undefined && !CLEAN_CLOSE_CODES.has(info.code)) {
    const reason = info.reason ? ` (${info.reason})` : "";
    return {
      exitCode: EXIT.PEER_ERROR_CLOSE,
      reason: `${info.initiator === "remote" ? "peer" : "we"} closed with code ${info.code}${reason}`,
    };
  }
  return undefined;
}
