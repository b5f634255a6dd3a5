// A short end-to-end check of the harness itself (used by test/harness.test.ts): one client round against
// the plain TCP echo and the ws peer, an unbuilt package reported as "not built yet", and no process left.
import { checkAvailable } from "./availability.mjs";
import { ceiling, groups } from "./cases.mjs";
import { launch, measureBlock } from "./echo.mjs";
import { liveChildren } from "./processes.mjs";

/**
 * @example
 * ```js
 * const { rows, notBuilt, leftover } = await runSmokeCheck();
 * ```
 */
export async function runSmokeCheck({ durationMs = 300, warmupMs = 100 } = {}) {
  const websocket = groups.find((g) => g.framing === "websocket");
  const peer = websocket.servers.find((s) => s.id === "ws");
  const entries = await Promise.all([ceiling, peer].map(async (server) => ({ server, ...(await launch(server)) })));
  let rows;
  try {
    rows = await measureBlock(entries, {
      framing: websocket.framing,
      wire: websocket.wire,
      size: 64,
      conns: 2,
      plan: { rounds: 1, durationMs, warmupMs },
    });
  } finally {
    await Promise.all(entries.map((e) => e.running?.stop()));
  }
  const notBuilt = checkAvailable({ runtime: "node", package: "@framed/not-a-package", entry: "./node" });
  return { rows, notBuilt, leftover: liveChildren() };
}
