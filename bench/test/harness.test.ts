// The harness end to end, briefly: servers start in their own processes, the load client measures them
// (WebSocket upgrade included), a missing package is a "not built yet" row, and nothing is left running.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain .mjs module without types
import { runSmokeCheck } from "../src/smoke.mjs";

describe("bench harness", () => {
  it("measures the plain TCP ceiling and the ws peer, reports an unbuilt package as not built yet, and leaves no child process", async () => {
    const { rows, notBuilt, leftover } = await runSmokeCheck();
    expect(rows.map((r: { server: string }) => r.server)).toEqual(["plain-tcp", "ws"]);
    for (const row of rows) {
      expect(row.status, row.detail).toBe("ok");
      expect(row.samples).toHaveLength(1);
      expect(row.messagesPerSecond).toBeGreaterThan(1000);
    }
    expect(notBuilt).toEqual({
      ok: false,
      reason: "not built yet: @framed/not-a-package is not linked into bench (pnpm install)",
    });
    expect(leftover).toBe(0);
  });
});
