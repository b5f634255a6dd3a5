/**
 * The only framing-specific code in this example, for Node: which package to import. The application
 * (key-value.ts) is identical over all three.
 */
import type { MessageStream } from "@framed/core";

export type FramingName = "websocket" | "length-prefix" | "newline";
type AnyStream = MessageStream<string> | MessageStream<Uint8Array> | MessageStream<string | Uint8Array>;

export interface Served {
  /** What a client passes to `connect`. */
  address: { host: string; port: number };
  close(): Promise<void>;
}

export async function serve(framing: FramingName, onStream: (stream: AnyStream) => Promise<void>): Promise<Served> {
  const where = { host: "127.0.0.1", port: 0 };
  // The one line that differs between framings is the import below.
  const { listen } =
    framing === "length-prefix"
      ? await import("@framed/length-prefix/node")
      : framing === "newline"
        ? await import("@framed/newline/node")
        : await import("@framed/websocket/node");
  const server = await listen(where, onStream as never);
  return { address: server.address, close: () => server.close() };
}

export async function connectTo(framing: FramingName, address: { host: string; port: number }): Promise<AnyStream> {
  if (framing === "length-prefix") return (await import("@framed/length-prefix/node")).connect(address);
  if (framing === "newline") return (await import("@framed/newline/node")).connect(address);
  return (await import("@framed/websocket/node")).connect(`ws://${address.host}:${address.port}/`);
}
