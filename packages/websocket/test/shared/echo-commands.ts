// The command-driven echo server behind the Chromium tests, runtime-neutral (only the MessageStream API and
// the server options), so the Node fixture and the Deno fixture script serve exactly the same thing.
import type { CloseInfo } from "@framed/core";
import type { ServerOptions } from "../../src/adapter/options.ts";
import type { ServerWebSocketStream } from "../../src/adapter/websocket-connection.ts";

/** What the server remembers across connections, for the `close-of:` and `refusal-of:` commands. */
export interface EchoRecords {
  /** How each connection named with `name:<id>` closed. */
  closes: Map<string, CloseInfo>;
  /** Each upgrade refused by `verify`, by its request path (query dropped): the HTTP status it got. */
  refusals: Map<string, number>;
}

/** Upgrade requests whose path starts with this are refused with 403 by {@link echoServerOptions}. */
export const REFUSED_PATH_PREFIX = "/refuse";

/** An empty record set for one server. */
export function echoRecords(): EchoRecords {
  return { closes: new Map(), refusals: new Map() };
}

/**
 * The options both echo servers listen with: permessage-deflate on, subprotocol "chat", and a `verify`
 * that refuses any path under {@link REFUSED_PATH_PREFIX} with 403, recording the refusal.
 */
export function echoServerOptions(records: EchoRecords): ServerOptions {
  return {
    deflate: true,
    protocols: ["chat"],
    verify: (request) => {
      const path = pathOf(request.url);
      if (!path.startsWith(REFUSED_PATH_PREFIX)) return true;
      records.refusals.set(path, 403);
      return { status: 403, reason: "refused by the echo fixture" };
    },
  };
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Serve one stream until it ends. Commands (text messages): `name:<id>` names the connection;
 * `close:<code>:<reason>` makes the server close with that code; `close-of:<id>` answers with the JSON of
 * how the connection named `<id>` closed (`{}` while it is open); `refusal-of:<path>` answers with the
 * JSON of the status the upgrade to `<path>` was refused with (`null` if none was); `deflate?` answers with the agreed
 * Sec-WebSocket-Extensions. Anything else is echoed with its type.
 */
export async function serveCommands(stream: ServerWebSocketStream, records: EchoRecords): Promise<void> {
  try {
    for await (const message of stream) {
      if (typeof message === "string" && message.startsWith("name:")) {
        const id = message.slice(5);
        stream.closed.then((info) => records.closes.set(id, info));
      } else if (typeof message === "string" && message.startsWith("close:")) {
        const [, code, reason] = message.split(":");
        // Not awaited: the loop keeps reading until the browser's close reply ends it.
        void stream.close({ code: Number(code), reason });
      } else if (typeof message === "string" && message.startsWith("close-of:")) {
        const info = records.closes.get(message.slice(9));
        await stream.send(
          JSON.stringify(info ? { initiator: info.initiator, code: info.code, reason: info.reason } : {}),
        );
      } else if (typeof message === "string" && message.startsWith("refusal-of:")) {
        await stream.send(JSON.stringify(records.refusals.get(message.slice(11)) ?? null));
      } else if (message === "deflate?") {
        await stream.send(stream.extensions);
      } else {
        await stream.send(message);
      }
    }
  } catch {
    // A failed stream reports through `closed`.
  }
}
