/**
 * The build every @framed package shares: ESM + CJS + `.d.ts`/`.d.cts` for the entries each
 * package.json exports, ES2022, source maps. A package's tsup.config.ts names only what differs.
 */
import { defineConfig, type Options } from "tsup";

/**
 * @example
 * ```ts
 * export default framedPackage({ testing: "src/testing/index.ts" }, ["fast-check"]);
 * ```
 */
export function framedPackage(
  extraEntries: Record<string, string> = {},
  external: Options["external"] = [],
  /** False for a package with no node/deno/browser/bun split (@framed/topics): only index and `extraEntries`. */
  runtimeEntries = true,
) {
  const runtimes = runtimeEntries
    ? { node: "src/node.ts", deno: "src/deno.ts", browser: "src/browser.ts", bun: "src/bun.ts" }
    : {};
  return defineConfig({
    entry: {
      index: "src/index.ts",
      ...runtimes,
      ...extraEntries,
    },
    format: ["esm", "cjs"],
    // CommonJS entries share chunks as ESM ones do, so `require`ing two entries loads core once, not twice.
    splitting: true,
    dts: true,
    clean: true,
    sourcemap: true,
    target: "es2022",
    external,
  });
}
