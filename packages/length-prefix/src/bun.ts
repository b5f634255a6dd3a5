/** `@framed/length-prefix/bun`: Bun's own TCP and TLS sockets (Bun.connect, Bun.listen), pre-bound to length-prefix framing. */
import { bind } from "@framed/core/bun";
import { lengthPrefix } from "./length-prefix.ts";

export const { connect, listen, wrap } = bind(lengthPrefix);
export * from "./index.ts";
