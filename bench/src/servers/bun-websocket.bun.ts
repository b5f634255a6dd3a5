// Peer: Bun's own WebSocket server, bare: `Bun.serve` with a `message` handler that sends back. Args: [port].
// @ts-expect-error: a plain .mjs helper without types
import { announce, MAX_MESSAGE_SIZE, portArg } from "./serve.mjs";

declare const Bun: {
  serve(options: unknown): { port: number };
};

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: portArg(),
  fetch: (request: Request, server: { upgrade(request: Request): boolean }) =>
    server.upgrade(request) ? undefined : new Response("upgrade", { status: 426 }),
  websocket: {
    message: (ws: { send(message: string | Uint8Array): number }, message: string | Uint8Array) => ws.send(message),
    maxPayloadLength: MAX_MESSAGE_SIZE,
    backpressureLimit: 2 ** 31 - 1,
    perMessageDeflate: false,
  },
});
announce(server.port);
