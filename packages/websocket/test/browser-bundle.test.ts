// The browser entry bundles for the browser platform with no Node or Deno code in it.
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("@framed/websocket/browser bundle", () => {
  it("bundles for the browser with no node: import and no Deno reference, under 8 KiB min+gzip", async () => {
    const result = await build({
      entryPoints: [new URL("../src/browser.ts", import.meta.url).pathname],
      bundle: true,
      write: false,
      minify: true,
      format: "esm",
      platform: "browser",
      conditions: ["source"],
    });
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/\bDeno\b/);
    const gzipped = gzipSync(code).length;
    console.log(`@framed/websocket/browser: ${code.length} bytes minified, ${gzipped} bytes min+gzip`);
    expect(gzipped).toBeLessThan(8 * 1024);
  });
});
