/**
 * One driver per framing: how the load client connects to the echo example and how a sequence number and
 * send time travel inside a message. Packages are imported lazily so a missing one is reported, not fatal.
 */
import type { Framing, MessageStream } from "@framed/core";

export interface Probe {
  seq: number;
  sentAt: number;
}

export interface Driver {
  name: string;
  /** Flags for examples/echo. */
  echoArgs: string[];
  connect(port: number): Promise<MessageStream<unknown>>;
  encode(probe: Probe): unknown;
  decode(message: unknown): Probe;
  /** A fresh framing for in-process tests (fuzzing, memory). */
  framing(maxMessageSize?: number): Promise<Framing<unknown>>;
}

function encodeBinary({ seq, sentAt }: Probe): Uint8Array {
  const bytes = new Uint8Array(64);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, seq);
  view.setFloat64(4, sentAt);
  return bytes;
}

function decodeBinary(message: unknown): Probe {
  const bytes = message as Uint8Array;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { seq: view.getUint32(0), sentAt: view.getFloat64(4) };
}

export const drivers: Driver[] = [
  {
    name: "length-prefix",
    echoArgs: ["--framing", "length-prefix"],
    async connect(port) {
      const { connect } = await import("@framed/length-prefix/node");
      return (await connect({ port })) as MessageStream<unknown>;
    },
    encode: encodeBinary,
    decode: decodeBinary,
    async framing(maxMessageSize) {
      const { lengthPrefix } = await import("@framed/length-prefix");
      return lengthPrefix({ maxMessageSize }) as Framing<unknown>;
    },
  },
  {
    name: "newline",
    echoArgs: ["--framing", "newline"],
    async connect(port) {
      const { connect } = await import("@framed/newline/node");
      return (await connect({ port })) as MessageStream<unknown>;
    },
    encode: ({ seq, sentAt }) => `${seq} ${sentAt} ${"x".repeat(40)}`,
    decode(message) {
      const [seq, sentAt] = String(message).split(" ");
      return { seq: Number(seq), sentAt: Number(sentAt) };
    },
    async framing(maxMessageSize) {
      const { newline } = await import("@framed/newline");
      return newline({ maxMessageSize }) as Framing<unknown>;
    },
  },
  {
    name: "websocket",
    echoArgs: ["--framing", "websocket"],
    async connect(port) {
      const { connect } = await import("@framed/websocket/node");
      return (await connect(`ws://127.0.0.1:${port}/`)) as MessageStream<unknown>;
    },
    encode: encodeBinary,
    decode: decodeBinary,
    async framing(maxMessageSize) {
      const { websocketFraming } = await import("@framed/websocket");
      return websocketFraming({ maxMessageSize }) as Framing<unknown>;
    },
  },
];
