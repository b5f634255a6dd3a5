// Abrupt close (TCP RST) on every framing, from each side and under a waiting send: the stream ends with
// CONNECTION_RESET saying so, a waiting send rejects with CLOSED, nothing is unhandled and nothing leaks.
// Each framing runs in a child process (fixtures/reset-child.ts) that must exit on its own.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { framingCases } from "./framings.ts";

const CHILD = fileURLToPath(new URL("./fixtures/reset-child.ts", import.meta.url));
const STRESS_DIR = fileURLToPath(new URL("..", import.meta.url));
/** stdout's own pipe or terminal is the only resource allowed at exit. */
const STDIO_HANDLES = new Set(["PipeWrap", "TTYWrap"]);

function runChild(framing: string): Promise<{ exitCode: number | string | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import", "tsx", CHILD, framing],
      { cwd: STRESS_DIR, timeout: 10_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? ((error as { code?: number | string }).code ?? error.signal ?? 1) : 0;
        resolve({ exitCode, stdout: stdout + stderr });
      },
    );
  });
}

describe.each(framingCases)("$name", ({ name }) => {
  it("a reset mid-message from either side, or under a waiting send, ends the stream with CONNECTION_RESET; nothing is unhandled or leaked", async () => {
    const { exitCode, stdout } = await runChild(name);
    expect(stdout).not.toContain("UNHANDLED");
    expect(exitCode, stdout).toBe(0);
    const results = JSON.parse(/^RESULTS (.*)$/m.exec(stdout)?.[1] ?? "null");
    const reset = {
      readError: "CONNECTION_RESET",
      closed: "error CONNECTION_RESET",
      message: expect.stringMatching(/ECONNRESET|reset/),
    };
    expect(results).toEqual({
      clientResetsMidMessage: reset,
      serverResetsMidMessage: reset,
      peerResetsWhileSendWaits: { ...reset, sendError: "CLOSED" },
    });
    const active: string[] = JSON.parse(/^ACTIVE (.*)$/m.exec(stdout)?.[1] ?? "null");
    expect(active.filter((handle) => !STDIO_HANDLES.has(handle))).toEqual([]);
  });
});
