/**
 * Runs the key-value application over each chosen framing and prints what was sent and received.
 * Runtime-neutral: the Node and Deno entries pass their own `serve`/`connectTo`.
 */
import type { MessageStream } from "@framed/core";
import { describeExchange, runKeyValueScript, serveKeyValue } from "./key-value.ts";

type AnyStream = MessageStream<string> | MessageStream<Uint8Array> | MessageStream<string | Uint8Array>;
export type FramingName = "websocket" | "length-prefix" | "newline";
export const ALL_FRAMINGS: FramingName[] = ["length-prefix", "newline", "websocket"];

export interface Transports {
  serve(
    framing: FramingName,
    onStream: (stream: AnyStream) => Promise<void>,
  ): Promise<{ address: { host: string; port: number }; close(): Promise<void> }>;
  connectTo(framing: FramingName, address: { host: string; port: number }): Promise<AnyStream>;
}

export function parseSwapArgs(argv: string[]): { framings: FramingName[]; runtime: "node" | "deno" } {
  let framings = ALL_FRAMINGS;
  let runtime: "node" | "deno" = "node";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--framing") {
      const value = argv[++i];
      if (value === "all") framings = ALL_FRAMINGS;
      else if ((ALL_FRAMINGS as string[]).includes(value)) framings = [value as FramingName];
      else throw new Error(`--framing must be all, ${ALL_FRAMINGS.join(", ")}; got "${value}"`);
    } else if (argv[i] === "--runtime") {
      const value = argv[++i];
      if (value !== "node" && value !== "deno") throw new Error(`--runtime must be node or deno; got "${value}"`);
      runtime = value;
    } else
      throw new Error(
        `unknown flag "${argv[i]}"; usage: pnpm example swap [--framing all|length-prefix|newline|websocket] [--runtime node|deno]`,
      );
  }
  return { framings, runtime };
}

export async function runSwap(framings: FramingName[], runtime: string, transports: Transports): Promise<void> {
  const rows: string[][] = [];
  let reference: string | undefined;
  for (const framing of framings) {
    const store = new Map<string, unknown>();
    const server = await transports.serve(framing, (stream) => serveKeyValue(stream, store));
    const client = await transports.connectTo(framing, server.address);
    const log = await runKeyValueScript(client);
    console.log(`\n${framing} on ${runtime} (${server.address.host}:${server.address.port})`);
    for (const exchange of log) console.log(`  ${describeExchange(exchange)}`);
    await server.close();
    // The point of the demo: whatever carried them, the answers are the same.
    const answers = JSON.stringify(log.map((exchange) => exchange.received));
    reference ??= answers;
    rows.push([framing, runtime, String(log.length), String(log.length), answers === reference ? "yes" : "NO"]);
  }
  console.log(`\n${formatTable(["framing", "runtime", "requests sent", "replies received", "same answers"], rows)}`);
  console.log(`\nswap: the same application ran over ${framings.join(", ")} on ${runtime}`);
}

/** Columns padded to their widest cell. */
function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
