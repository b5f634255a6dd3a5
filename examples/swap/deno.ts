// The swap example on Deno; started by main.ts with `--runtime deno`.
import { parseSwapArgs, runSwap } from "./run-swap.ts";
import { connectTo, serve } from "./transports.deno.ts";

declare const Deno: { args: string[] };

const options = parseSwapArgs(Deno.args);
await runSwap(options.framings, "deno", { serve, connectTo });
