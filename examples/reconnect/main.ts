// `node scripts/example.mjs reconnect [--framing newline|length-prefix|websocket] [--ticks 12]`: a client keeps a live
// counter over an echo server that this script kills and starts again on the same port. Each state change
// is printed; counts sent during the outage are queued and reach the server, in order, once it is back.
import { parseArgs } from "node:util";
import { type ReconnectState, reconnecting } from "@framed/core";
import { FRAMINGS, type FramingName, openText } from "./framings.ts";
import { ServerProcess } from "./server-process.ts";

const { values } = parseArgs({
  options: {
    framing: { type: "string", default: "newline" },
    ticks: { type: "string", default: "12" },
    interval: { type: "string", default: "150" },
  },
});
const framing = values.framing as FramingName;
if (!FRAMINGS.includes(framing)) {
  console.error(`--framing must be one of ${FRAMINGS.join(", ")}`);
  process.exit(2);
}
const ticks = Number(values.ticks);
const interval = Number(values.interval);

function describe(state: ReconnectState): string {
  switch (state.type) {
    case "connecting":
      return state.attempt === 0 ? "connecting" : `connecting (retry ${state.attempt})`;
    case "open":
      return `open (connection ${state.connection})`;
    case "reconnecting":
      return `reconnecting (retry ${state.attempt} in ${state.delay} ms)`;
    case "stopped":
      return `stopped (${state.reason})`;
    case "closed":
      return `closed (${state.unsent} unsent)`;
  }
}

const server = new ServerProcess(framing);
const port = await server.start();
console.log(`server: listening on 127.0.0.1:${port} (${framing})`);

const counter = reconnecting(() => openText(framing, port), { minDelay: 100, maxDelay: 1000 });
console.log(`state: ${describe(counter.state)}`);
counter.onStateChange((state) => console.log(`state: ${describe(state)}`));

let echoed = 0;
const reading = (async () => {
  for await (const message of counter) {
    echoed = Number(message.split(" ")[1]);
    console.log(`  echo: ${message}`);
    if (echoed === ticks) break; // leaving the loop closes the stream
  }
})();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
await pause(interval);
for (let count = 1; count <= ticks; count++) {
  if (count === Math.round(ticks / 3)) {
    await server.kill();
    console.log("server: killed");
    // Wait until the client has noticed, so the next counts show up as queued.
    for (let i = 0; i < 100 && counter.state.type === "open"; i++) await pause(20);
  }
  if (count === Math.round((ticks * 2) / 3)) {
    await server.start();
    console.log(`server: started again on port ${port}`);
  }
  const how = await counter.sendOrQueue(`count ${count}`);
  console.log(`count ${count}: ${how}`);
  await pause(interval);
}
await reading;
await counter.closed;
await server.kill();
console.log(`done: ${echoed} of ${ticks} counts echoed`);
