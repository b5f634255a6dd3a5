/**
 * The only framing-specific code in this example, for Deno: which package to import.
 */
import type { MessageStream } from "@framed/core";
import type { FramingName } from "./run-swap.ts";

type AnyStream = MessageStream<string> | MessageStream<Uint8Array> | MessageStream<string | Uint8Array>;

export async function serve(framing: FramingName, onStream: (stream: AnyStream) => Promise<void>) {
  const where = { host: "127.0.0.1", port: 0 };
  const { listen } =
    framing === "length-prefix"
      ? await import("@framed/length-prefix/deno")
      : framing === "newline"
        ? await import("@framed/newline/deno")
        : await import("@framed/websocket/deno");
  const server = await listen(where as never, onStream as never);
  return { address: server.address, close: () => server.close() };
}

export async function connectTo(framing: FramingName, address: { host: string; port: number }): Promise<AnyStream> {
  const where = { host: address.host, port: address.port };
  if (framing === "length-prefix") return (await import("@framed/length-prefix/deno")).connect(where);
  if (framing === "newline") return (await import("@framed/newline/deno")).connect(where);
  return (await import("@framed/websocket/deno")).connect(`ws://${address.host}:${address.port}/` as never) as never;
}
