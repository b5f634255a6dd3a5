/**
 * The three framings seen the same way by the cross-framing reliability tests: listen, connect, a raw
 * socket the server already treats as a framed stream, and the bytes of a message that is never finished.
 */
import { once } from "node:events";
import * as net from "node:net";
import type { Framing, Listener, MessageStream, StreamOptions } from "@framed/core";
import * as lengthPrefix from "@framed/length-prefix/node";
import * as newline from "@framed/newline/node";
import * as websocket from "@framed/websocket/node";

type AnyStream = MessageStream<unknown>;
type Handler = (stream: AnyStream, socket: net.Socket) => void | Promise<void>;

export interface FramingCase {
  name: "length-prefix" | "newline" | "websocket";
  listen(onStream: Handler, options?: StreamOptions): Promise<Listener<unknown>>;
  connect(port: number, options?: StreamOptions): Promise<AnyStream>;
  /** The framing itself, for encoding a client's bytes by hand. */
  framing(): Framing<unknown>;
  /** The framing's message carrying `text`, and back. */
  toMessage(text: string): unknown;
  toText(message: unknown): string;
  /** A connected socket past any handshake: the server holds a framed stream for it. */
  rawConnect(port: number): Promise<net.Socket>;
  /** The start of a message that declares (or implies) more bytes than it carries, as a client sends it. */
  unfinishedFromClient: Uint8Array;
  /** The same as a server sends it (WebSocket: unmasked). */
  unfinishedFromServer: Uint8Array;
}

const textDecoder = new TextDecoder();

async function tcpConnect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/** A TCP connection upgraded by hand: request out, wait for the whole 101 head, hand back the socket. */
async function rawWebSocket(port: number): Promise<net.Socket> {
  const socket = await tcpConnect(port);
  socket.write(
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  let head = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      socket.pause();
      if (head.startsWith("HTTP/1.1 101 ")) resolve();
      else reject(new Error(`expected a 101, got ${head}`));
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error("closed during the handshake")));
  });
  return socket;
}

export const framingCases: FramingCase[] = [
  {
    name: "length-prefix",
    listen: (onStream, options) =>
      lengthPrefix.listen(
        { port: 0 },
        onStream as (stream: MessageStream<Uint8Array>, socket: net.Socket) => void,
        options,
      ),
    connect: (port, options) => lengthPrefix.connect({ port }, options) as Promise<AnyStream>,
    framing: () => lengthPrefix.lengthPrefix() as Framing<unknown>,
    toMessage: (text) => new TextEncoder().encode(text),
    toText: (message) => textDecoder.decode(message as Uint8Array),
    rawConnect: tcpConnect,
    // uint32be length 100, three bytes of it.
    unfinishedFromClient: Uint8Array.of(0, 0, 0, 100, 1, 2, 3),
    unfinishedFromServer: Uint8Array.of(0, 0, 0, 100, 1, 2, 3),
  },
  {
    name: "newline",
    listen: (onStream, options) =>
      newline.listen({ port: 0 }, onStream as (stream: MessageStream<string>, socket: net.Socket) => void, options),
    connect: (port, options) => newline.connect({ port }, options) as Promise<AnyStream>,
    framing: () => newline.newline() as Framing<unknown>,
    toMessage: (text) => text,
    toText: (message) => message as string,
    rawConnect: tcpConnect,
    unfinishedFromClient: new TextEncoder().encode("a line that never gets its delimit"),
    unfinishedFromServer: new TextEncoder().encode("a line that never gets its delimit"),
  },
  {
    name: "websocket",
    listen: (onStream, options) => websocket.listen({ port: 0 }, onStream as Handler, { ...options, deflate: false }),
    connect: (port, options) =>
      websocket.connect(`ws://127.0.0.1:${port}/`, { ...options, deflate: false }) as Promise<AnyStream>,
    framing: () => websocket.websocketFraming() as Framing<unknown>,
    toMessage: (text) => text,
    toText: (message) => message as string,
    rawConnect: rawWebSocket,
    // FIN + binary, 100 bytes declared, three sent (client frames are masked).
    unfinishedFromClient: Uint8Array.of(0x82, 0x80 | 100, 9, 8, 7, 6, 1, 2, 3),
    unfinishedFromServer: Uint8Array.of(0x82, 100, 1, 2, 3),
  },
];
