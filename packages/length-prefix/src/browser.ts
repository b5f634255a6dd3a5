/** `@framed/length-prefix/browser`: WHATWG byte streams, a WebSocket as a byte pipe and fetch bodies, pre-bound to length-prefix framing. */
import { bind } from "@framed/core/browser";
import { lengthPrefix } from "./length-prefix.ts";

export const { fromStreams, fromResponse, fromWebSocket } = bind(lengthPrefix);
export * from "./index.ts";
