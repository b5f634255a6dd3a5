// `node scripts/example.mjs swap [--framing all|length-prefix|newline|websocket] [--runtime node|deno]`
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
// @ts-expect-error: a plain .mjs helper without types
import { denoBinary } from "../../scripts/deno-binary.mjs";
import { parseSwapArgs, runSwap } from "./run-swap.ts";
import { connectTo, serve } from "./transports.node.ts";

let options: ReturnType<typeof parseSwapArgs>;
try {
  options = parseSwapArgs(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

if (options.runtime === "deno") {
  const script = fileURLToPath(new URL("./deno.ts", import.meta.url));
  const child = spawn(
    denoBinary(),
    ["run", "--allow-net=127.0.0.1", "--allow-env", "--no-check", script, ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  child.on("exit", (code) => process.exit(code ?? 1));
} else {
  await runSwap(options.framings, "node", { serve, connectTo });
}
