/**
 * The browser examples' page scripts, bundled on first request with esbuild (the `source` condition
 * resolves @framed/* to their TypeScript, so no build step is needed) and kept for later requests.
 */
import { fileURLToPath } from "node:url";

const bundles = new Map<string, Promise<string>>();

/**
 * The bundled JavaScript of the module at `entry`.
 *
 * @example
 * ```ts
 * response.end(await bundlePage(new URL("./page.ts", import.meta.url)));
 * ```
 */
export function bundlePage(entry: URL): Promise<string> {
  let bundle = bundles.get(entry.href);
  if (!bundle) {
    bundle = import("esbuild").then(async ({ build }) => {
      const result = await build({
        entryPoints: [fileURLToPath(entry)],
        bundle: true,
        platform: "browser",
        format: "esm",
        conditions: ["source"],
        write: false,
        logLevel: "silent",
      });
      return result.outputFiles[0].text;
    });
    bundles.set(entry.href, bundle);
  }
  return bundle;
}
