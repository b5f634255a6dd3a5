/** `@framed/length-prefix/node`: Node TCP, sockets, stdio and child processes, pre-bound to length-prefix framing. */
import { bind } from "@framed/core/node";
import { lengthPrefix } from "./length-prefix.ts";

export const { connect, listen, wrap, stdio, childProcess } = bind(lengthPrefix);
export * from "./index.ts";
