// Node-side fixtures for the Chromium tests: our WebSocket echo server (deflate on, subprotocol "chat")
// whose streams also obey a few text commands, and which remembers how each connection closed.
import type { CloseInfo } from "@framed/core";
import { listen } from "../src/node.ts";

declare module "vitest" {
  interface ProvidedContext {
    websocketEchoUrl: string;
  }
}

/**
 * Commands (text messages): `name:<id>` names the connection; `close:<code>:<reason>` makes the server
 * close with that code; `close-of:<id>` answers with the JSON of how the connection named `<id>` closed
 * (`{}` while it is open); `deflate?` answers with the agreed Sec-WebSocket-Extensions. Anything else is
 * echoed with its type.
 */
export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const closes = new Map<string, CloseInfo>();
  const listener = await listen(
    { port: 0 },
    async (stream) => {
      try {
        for await (const message of stream) {
          if (typeof message === "string" && message.startsWith("name:")) {
            const id = message.slice(5);
            stream.closed.then((info) => closes.set(id, info));
          } else if (typeof message === "string" && message.startsWith("close:")) {
            const [, code, reason] = message.split(":");
            // Not awaited: the loop keeps reading until the browser's close reply ends it.
            void stream.close({ code: Number(code), reason });
          } else if (typeof message === "string" && message.startsWith("close-of:")) {
            const info = closes.get(message.slice(9));
            await stream.send(
              JSON.stringify(info ? { initiator: info.initiator, code: info.code, reason: info.reason } : {}),
            );
          } else if (message === "deflate?") {
            await stream.send(stream.extensions);
          } else {
            await stream.send(message);
          }
        }
      } catch {
        // A failed stream reports through `closed`.
      }
    },
    { deflate: true, protocols: ["chat"] },
  );
  provide("websocketEchoUrl", listener.url);
  return () => listener.close();
}
