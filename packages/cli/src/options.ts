/**
 * The command line, parsed into one options object per command; every mistake is a usage CliError
 * naming the flag and the value. No runtime or framing imports: parsing must stay cheap.
 */
import { CliError, EXIT } from "./exit-codes.ts";

export type FramingName = "websocket" | "length-prefix" | "newline" | "ndjson";
export const FRAMING_NAMES: readonly FramingName[] = ["websocket", "length-prefix", "newline", "ndjson"];

/** The length-prefix header kinds (the same list as `@framed/length-prefix`'s `HEADER_KINDS`). */
export const LENGTH_HEADERS = [
  "varint",
  "uint8",
  "uint16be",
  "uint16le",
  "uint24be",
  "uint24le",
  "uint32be",
  "uint32le",
  "uint64be",
  "uint64le",
] as const;
export type LengthHeader = (typeof LENGTH_HEADERS)[number];

/** The framing flags every command takes. */
export interface FramingFlags {
  framing?: FramingName;
  maxMessageSize?: number;
  protocols: string[];
  headers: Array<[string, string]>;
  deflate?: boolean;
  pingInterval?: number;
  insecure: boolean;
  binaryOut: boolean;
  lengthHeader?: LengthHeader;
  lengthFieldOffset?: number;
  lengthAdjustment?: number;
  lengthIncludesHeader: boolean;
  initialBytesToStrip?: number;
  delimiter?: string;
}

/** Output and diagnostics flags every command takes. */
export interface OutputFlags {
  json: boolean;
  binary: "auto" | "hex" | "base64";
  quiet: boolean;
  verbose: boolean;
}

export interface ConnectCommand extends FramingFlags, OutputFlags {
  command: "connect";
  target: string;
  stdinFraming: "lines" | "length-prefix";
  linger: number;
  timeout: number;
  readStdin: boolean;
}

export interface ListenCommand extends FramingFlags, OutputFlags {
  command: "listen";
  address: string;
  echo: boolean;
  once: boolean;
}

export interface BridgeCommand extends FramingFlags, OutputFlags {
  command: "bridge";
  from: string;
  to: string;
  once: boolean;
}

export type Command = ConnectCommand | ListenCommand | BridgeCommand;

const usage = (message: string) => new CliError(EXIT.USAGE, message);

function integer(flag: string, text: string, { signed = false } = {}): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(n) || (!signed && n < 0)) {
    throw usage(`${flag} must be a${signed ? "n" : " non-negative"} integer, got "${text}"`);
  }
  return n;
}

function oneOf<V extends string>(flag: string, text: string, allowed: readonly V[]): V {
  if (!(allowed as readonly string[]).includes(text)) {
    throw usage(`${flag} must be one of ${allowed.join(", ")}; got "${text}"`);
  }
  return text as V;
}

/** `\n`, `\r`, `\t`, `\0`, `\\` and `\xHH` in a --delimiter, so a shell user can type them. */
export function unescapeDelimiter(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[nrt0\\])/g, (_, code: string) => {
    if (code[0] === "x") return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    return { n: "\n", r: "\r", t: "\t", "0": "\0", "\\": "\\" }[code] as string;
  });
}

function header(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw usage(`an HTTP header must look like "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/**
 * Parse the arguments after the command name.
 *
 * @example
 * ```ts
 * parseCommand("connect", ["ws://127.0.0.1:8080", "--json"]); // { command: "connect", target: "ws://…", json: true, … }
 * ```
 */
export function parseCommand(name: string, argv: readonly string[]): Command {
  if (name !== "connect" && name !== "listen" && name !== "bridge") {
    throw usage(`unknown command "${name}": use connect, listen or bridge (framed --help)`);
  }
  const flags: FramingFlags & OutputFlags = {
    protocols: [],
    headers: [],
    insecure: false,
    binaryOut: false,
    lengthIncludesHeader: false,
    json: false,
    binary: "auto",
    quiet: false,
    verbose: false,
  };
  const extra = {
    stdinFraming: "lines" as "lines" | "length-prefix",
    linger: 1000,
    timeout: 10_000,
    readStdin: true,
    echo: false,
    once: false,
  };
  const only = (flag: string, ...commands: string[]) => {
    if (!commands.includes(name)) throw usage(`${flag} is not an option of framed ${name} (framed ${name} --help)`);
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let inline: string | undefined;
    if (flag.startsWith("--") && flag.includes("=")) {
      inline = flag.slice(flag.indexOf("=") + 1);
      flag = flag.slice(0, flag.indexOf("="));
    }
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw usage(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--framing":
        only(flag, "connect", "listen");
        flags.framing = oneOf(flag, value(), FRAMING_NAMES);
        break;
      case "--max-message-size":
        flags.maxMessageSize = integer(flag, value());
        break;
      case "--protocol":
        flags.protocols.push(value());
        break;
      case "-H":
      case "--http-header":
        flags.headers.push(header(value()));
        break;
      case "--header": {
        // The echo example's vocabulary: --header is the length-prefix header kind. A value with a colon
        // can only be an HTTP header (websocat's and curl's -H), so it is taken as one.
        const text = value();
        if (text.includes(":")) flags.headers.push(header(text));
        else flags.lengthHeader = oneOf(flag, text, LENGTH_HEADERS);
        break;
      }
      case "--deflate":
        flags.deflate = true;
        break;
      case "--no-deflate":
        flags.deflate = false;
        break;
      case "--ping-interval":
        flags.pingInterval = integer(flag, value());
        if (flags.pingInterval === 0) throw usage("--ping-interval must be at least 1 millisecond");
        break;
      case "--insecure":
      case "-k":
        flags.insecure = true;
        break;
      case "--binary-out":
        flags.binaryOut = true;
        break;
      case "--length-field-offset":
        flags.lengthFieldOffset = integer(flag, value());
        break;
      case "--length-adjustment":
        flags.lengthAdjustment = integer(flag, value(), { signed: true });
        break;
      case "--length-includes-header":
        flags.lengthIncludesHeader = true;
        break;
      case "--initial-bytes-to-strip":
        flags.initialBytesToStrip = integer(flag, value());
        break;
      case "--delimiter": {
        const delimiter = unescapeDelimiter(value());
        if (delimiter === "") throw usage("--delimiter must not be empty");
        flags.delimiter = delimiter;
        break;
      }
      case "--binary":
        flags.binary = oneOf(flag, value(), ["auto", "hex", "base64"] as const);
        break;
      case "--json":
        flags.json = true;
        break;
      case "--quiet":
      case "-q":
        flags.quiet = true;
        break;
      case "--verbose":
      case "-v":
        flags.verbose = true;
        break;
      case "--stdin-framing":
        only(flag, "connect");
        extra.stdinFraming = oneOf(flag, value(), ["lines", "length-prefix"] as const);
        break;
      case "--linger":
        only(flag, "connect");
        extra.linger = integer(flag, value());
        break;
      case "--timeout":
        only(flag, "connect");
        extra.timeout = integer(flag, value());
        break;
      case "--no-stdin":
        only(flag, "connect");
        extra.readStdin = false;
        break;
      case "--echo":
        only(flag, "listen");
        extra.echo = true;
        break;
      case "--once":
        only(flag, "listen", "bridge");
        extra.once = true;
        break;
      default:
        if (flag.startsWith("-") && flag !== "-") throw usage(`unknown option "${flag}" (framed ${name} --help)`);
        positional.push(flag);
    }
  }
  if (flags.lengthIncludesHeader && flags.lengthAdjustment !== undefined) {
    throw usage("use either --length-includes-header or --length-adjustment, not both");
  }
  const wanted = name === "bridge" ? 2 : 1;
  if (positional.length !== wanted) {
    const what = name === "connect" ? "<url-or-address>" : name === "listen" ? "<port-or-address>" : "<from> <to>";
    throw usage(`framed ${name} needs ${what}, got ${positional.length ? positional.join(" ") : "nothing"}`);
  }
  if (name === "connect") {
    const { stdinFraming, linger, timeout, readStdin } = extra;
    return { command: "connect", ...flags, target: positional[0], stdinFraming, linger, timeout, readStdin };
  }
  if (name === "listen")
    return { command: "listen", ...flags, address: positional[0], echo: extra.echo, once: extra.once };
  return { command: "bridge", ...flags, from: positional[0], to: positional[1], once: extra.once };
}
