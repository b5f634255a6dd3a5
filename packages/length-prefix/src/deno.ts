/** `@framed/length-prefix/deno`: Deno TCP (Deno.connect, Deno.listen, any Deno.Conn), pre-bound to length-prefix framing. */
import { bind } from "@framed/core/deno";
import { lengthPrefix } from "./length-prefix.ts";

export const { connect, listen, wrap } = bind(lengthPrefix);
export * from "./index.ts";
