// The published bin on Deno (as `deno run npm:@framed/cli` runs it): only node: builtins and the @framed
// packages, so it talks to a server with nothing but --allow-net.

import { spawn } from "node:child_process";
import { listen } from "@framed/websocket/node";
import { afterEach, beforeAll, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs helper without types
import { denoBinary } from "../../../scripts/deno-binary.mjs";
import { BIN, ensureBuilt } from "./run-cli.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
beforeAll(() => ensureBuilt(), 60_000);

it("framed connect runs on Deno with only --allow-net and exits 0 after the echo", async () => {
  // The server closes after echoing "END": the run ends on the peer's close, not on --linger's clock.
  const server = await listen({ port: 0 }, (stream) =>
    stream.consume(async (message) => {
      await stream.send(message);
      if (message === "END") await stream.close();
    }),
  );
  cleanups.push(() => server.close());
  const child = spawn(denoBinary(), ["run", "--allow-net=127.0.0.1", BIN, "connect", server.url, "--linger", "60000"], {
    stdio: "pipe",
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end("from deno\nsecond line\nEND\n");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const code = await new Promise((resolve) => child.on("close", resolve));
  clearTimeout(timer);
  expect(stderr).toContain("connected to");
  expect(stdout).toBe("from deno\nsecond line\nEND\n");
  expect(code).toBe(0);
});
