// The three framings this example runs over: how to listen with each (an echo server) and how to open a
// text connection with each, so the client code is written once.
import { asText, type MessageStream } from "@framed/core";
import * as lengthPrefix from "@framed/length-prefix/node";
import * as newline from "@framed/newline/node";
import * as websocket from "@framed/websocket/node";

export const FRAMINGS = ["newline", "length-prefix", "websocket"] as const;
export type FramingName = (typeof FRAMINGS)[number];

/** A running echo server; `close()` stops it. */
export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

/** Listen on `port` (0: any) and echo every message back on the connection it came from. */
export async function listenEcho(framing: FramingName, port: number): Promise<EchoServer> {
  const address = { host: "127.0.0.1", port };
  const listener =
    framing === "newline"
      ? await newline.listen(address, (stream) => stream.consume((m) => stream.send(m)))
      : framing === "length-prefix"
        ? await lengthPrefix.listen(address, (stream) => stream.consume((m) => stream.send(m)), { header: "varint" })
        : await websocket.listen(address, (stream) => stream.consume((m) => stream.send(m)));
  return { port: listener.address.port, close: () => listener.close() };
}

/** Open one text connection to the echo server on `port`. */
export async function openText(framing: FramingName, port: number): Promise<MessageStream<string>> {
  if (framing === "newline") return newline.connect({ port });
  if (framing === "length-prefix") return asText(await lengthPrefix.connect({ port }, { header: "varint" }));
  return asText(await websocket.connect(`ws://127.0.0.1:${port}/`));
}
