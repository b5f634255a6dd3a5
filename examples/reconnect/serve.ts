// The example's server as its own process, so it can really be killed and started again:
// `serve.ts --framing newline --port 0` prints `listening <port>` once it accepts connections.
import { parseArgs } from "node:util";
import { FRAMINGS, type FramingName, listenEcho } from "./framings.ts";

const { values } = parseArgs({
  options: { framing: { type: "string", default: "newline" }, port: { type: "string" } },
});
const framing = values.framing as FramingName;
if (!FRAMINGS.includes(framing)) {
  console.error(`--framing must be one of ${FRAMINGS.join(", ")}`);
  process.exit(2);
}
const server = await listenEcho(framing, Number(values.port ?? 0));
console.log(`listening ${server.port}`);
// Whoever started us going away (its end of stdin closes) stops us too: no orphaned servers.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
