// The CLI's build: ESM only (a bin and its programmatic entry), the @framed packages stay imports, and
// the bin gets a node shebang. Not the shared framedPackage(): there are no runtime entries and no CJS.
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  clean: true,
  sourcemap: true,
  target: "es2022",
  platform: "node",
  // Keep `node:` on builtins: every runtime that runs the bin (Node, Deno, Bun) knows them by that name.
  removeNodeProtocol: false,
  // Each command is its own chunk, imported only when that command runs: `framed --help` loads none.
  splitting: true,
  external: [/^@framed\//],
});
