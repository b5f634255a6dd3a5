/**
 * `reconnecting(open)`, the public way to make a ReconnectingStream: the factory and its documentation,
 * apart from the class so the connection cycle reads on its own.
 */
import type { OpenConnection, ReconnectOptions } from "./options.ts";
import { ReconnectingStream } from "./reconnecting-stream.ts";

/**
 * A MessageStream that reconnects: `open` is called for the first connection and again (after a backoff)
 * whenever one ends, unless `shouldReconnect` says no or `maxRetries` retries in a row failed (state
 * `stopped`; `reconnect()` starts again). Application code holds one stream for the whole session.
 *
 * @example
 * ```ts
 * import { reconnecting } from "@framed/core"; // also in @framed/core/node, /deno and /browser
 * import { connect } from "@framed/websocket/node";
 * const stream = reconnecting(async ({ attempt }) =>
 *   connect("wss://example.com/feed", { headers: { authorization: `Bearer ${await freshToken()}` } }),
 * );
 * stream.onStateChange((state) => console.log(state.type));
 * await stream.send("hello"); // "sent" or "queued"
 * for await (const message of stream) render(message); // goes on across reconnects
 * ```
 */
export function reconnecting<T>(open: OpenConnection<T>, options: ReconnectOptions<T> = {}): ReconnectingStream<T> {
  return new ReconnectingStream(open, options);
}
