/**
 * The echo example's flags, parsed the same way on Node, Deno and Bun (no runtime APIs here).
 */
import { HEADER_KINDS, type HeaderKind } from "@framed/length-prefix";

export type FramingName = "websocket" | "length-prefix" | "newline";
export type RuntimeName = "node" | "deno" | "bun";

export interface EchoArgs {
  framing: FramingName;
  runtime: RuntimeName;
  host: string;
  port: number;
  maxMessageSize?: number;
  /** length-prefix header kind: varint, uint8, uint16be, uint16le, uint24be, …, uint64le. */
  header: string;
  /** newline records: `bytes` (any bytes, as Netty's line decoder), `text` (UTF-8 strings) or `ndjson`. */
  lines: LineMode;
  quiet: boolean;
  /** WebSocket over HTTP/2 (RFC 8441) and HTTP/1.1 on one TLS port (Node). */
  http2: boolean;
  /** PEM files for --http2; default: a generated test certificate. */
  tlsCert?: string;
  tlsKey?: string;
}

export type LineMode = "bytes" | "text" | "ndjson";

export const USAGE = `usage: node scripts/example.mjs echo [--framing websocket|length-prefix|newline] [--runtime node|deno|bun]
                         [--port N] [--host 127.0.0.1] [--max-message-size BYTES] [--header varint|uint32be|…]
                         [--lines bytes|text|ndjson] [--quiet] [--http2 [--tls-cert FILE --tls-key FILE]]
defaults: --framing length-prefix --runtime node --port 9000 --host 127.0.0.1 --header uint32be,
          --lines bytes (newline echoes any bytes), --max-message-size = the framing's default (16 MiB)`;

export function parseEchoArgs(argv: string[]): EchoArgs {
  const args: EchoArgs = {
    framing: "length-prefix",
    runtime: "node",
    host: "127.0.0.1",
    port: 9000,
    header: "uint32be",
    lines: "bytes",
    quiet: false,
    http2: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    const integer = (name: string, text: string) => {
      const n = Number(text);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${text}"`);
      return n;
    };
    switch (flag) {
      case "--framing": {
        const framing = value();
        if (framing !== "websocket" && framing !== "length-prefix" && framing !== "newline") {
          throw new Error(`unknown framing "${framing}"\n${USAGE}`);
        }
        args.framing = framing;
        break;
      }
      case "--runtime": {
        const runtime = value();
        if (runtime !== "node" && runtime !== "deno" && runtime !== "bun")
          throw new Error(`unknown runtime "${runtime}"\n${USAGE}`);
        args.runtime = runtime;
        break;
      }
      case "--port":
        args.port = integer("--port", value());
        break;
      case "--host":
        args.host = value();
        break;
      case "--max-message-size":
        args.maxMessageSize = integer("--max-message-size", value());
        break;
      case "--header":
        args.header = parseHeader(value());
        break;
      case "--lines": {
        const lines = value();
        if (lines !== "bytes" && lines !== "text" && lines !== "ndjson") {
          throw new Error(`unknown --lines "${lines}": use bytes, text or ndjson\n${USAGE}`);
        }
        args.lines = lines;
        break;
      }
      case "--quiet":
        args.quiet = true;
        break;
      case "--http2":
        args.http2 = true;
        break;
      case "--tls-cert":
        args.tlsCert = value();
        break;
      case "--tls-key":
        args.tlsKey = value();
        break;
      case "--help":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown flag "${flag}"\n${USAGE}`);
    }
  }
  if (args.http2 && (args.framing !== "websocket" || args.runtime !== "node"))
    throw new Error(`--http2 needs --framing websocket --runtime node\n${USAGE}`);
  if ((args.tlsCert === undefined) !== (args.tlsKey === undefined))
    throw new Error(`--tls-cert and --tls-key go together\n${USAGE}`);
  return args;
}

/** Check a --header value against the length-prefix header kinds. */
export function parseHeader(header: string): HeaderKind {
  if (!(HEADER_KINDS as readonly string[]).includes(header))
    throw new Error(`unknown --header "${header}": use one of ${HEADER_KINDS.join(", ")}`);
  return header as HeaderKind;
}
