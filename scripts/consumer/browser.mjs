// Browser consumer: esbuild bundles `@framed/websocket/browser` from the installed tarball, the real Chromium
// loads it from a Node server (the installed `@framed/websocket/node`) and echoes over the browser's own
// WebSocket. The minified bundle's gzipped size is measured here, and the line of the WebSocket README that
// quotes it must match this measurement (`--write-sizes` rewrites it).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SIZE_MARK = "<!-- consumer-size:@framed/websocket/browser -->";

/** The README line that quotes the measured size; the whole line is generated. */
export function sizeLine(gzipped) {
  return `- ${SIZE_MARK}The entry has no Node or Deno code. Bundled from the npm package with esbuild (minified ESM, every export) it is **${gzipped.toLocaleString("en-US")} bytes gzipped**, as measured by the consumer stage.`;
}

/** Starts the page's Node server; resolves with its port and a way to stop it. */
function startServer(dir) {
  const child = spawn(process.execPath, ["browser-server.mjs"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the page server printed no port in 10 s:\n${output}`)), 10_000);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = /\{"port":(\d+)\}/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ port: Number(match[1]), stop: () => child.kill("SIGKILL") });
    });
    child.on("exit", (code) => fail(new Error(`the page server exited (${code}):\n${output}`)));
  });
}

export async function checkBrowser({ root, app, results, here, writeSizes }) {
  const dir = join(app, "browser");
  mkdirSync(dir);
  for (const file of ["browser-page.js", "browser-server.mjs"])
    copyFileSync(join(here, "programs", file), join(dir, file));
  writeFileSync(join(dir, "size-entry.js"), 'export * from "@framed/websocket/browser";\n');

  let gzipped;
  await results.check(
    "esbuild bundles @framed/websocket/browser from the tarball with no node: import and no Deno reference",
    async () => {
      const sized = await build({
        entryPoints: [join(dir, "size-entry.js")],
        absWorkingDir: dir,
        bundle: true,
        write: false,
        minify: true,
        format: "esm",
        platform: "browser",
        logLevel: "silent",
      });
      const code = sized.outputFiles[0].text;
      if (/["']node:/.test(code)) throw new Error("the browser bundle imports a node: module");
      if (/\bDeno\b/.test(code)) throw new Error("the browser bundle refers to Deno");
      gzipped = gzipSync(code).length;
      console.log(`  (@framed/websocket/browser: ${code.length} bytes minified, ${gzipped} bytes gzipped)`);
    },
  );

  const readme = join(root, "packages/websocket/README.md");
  if (gzipped !== undefined) {
    mkdirSync(join(root, ".consumer-results"), { recursive: true });
    writeFileSync(
      join(root, ".consumer-results/sizes.json"),
      `${JSON.stringify({ "@framed/websocket/browser": { gzipped } }, null, 2)}\n`,
    );
    await results.check("the WebSocket README quotes the browser bundle size this run measured", () => {
      const text = readFileSync(readme, "utf8");
      const lines = text.split("\n");
      const at = lines.findIndex((line) => line.includes(SIZE_MARK));
      if (at < 0) throw new Error(`packages/websocket/README.md has no line marked ${SIZE_MARK}`);
      if (lines[at] === sizeLine(gzipped)) return;
      if (writeSizes) {
        lines[at] = sizeLine(gzipped);
        writeFileSync(readme, lines.join("\n"));
        console.log(`  (rewrote packages/websocket/README.md:${at + 1} with ${gzipped} bytes)`);
        return;
      }
      throw new Error(
        `packages/websocket/README.md:${at + 1} quotes another size than the ${gzipped} bytes measured; run node scripts/consumer/run.mjs --write-sizes`,
      );
    });
  }

  const bundled = await results.check(
    "esbuild bundles a page importing every framing's /browser entry from the tarballs",
    () =>
      build({
        entryPoints: [join(dir, "browser-page.js")],
        absWorkingDir: dir,
        outfile: join(dir, "page.bundle.js"),
        bundle: true,
        format: "esm",
        platform: "browser",
        logLevel: "silent",
      }),
  );
  if (!bundled) return;
  const server = await startServer(dir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: chromiumFlags,
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.port}/`, { timeout: 30_000 });
    await page.waitForFunction(() => typeof window.runEcho === "function", undefined, { timeout: 30_000 });
    for (const [framing, how] of [
      ["websocket", "the browser's WebSocket"],
      ["length-prefix", "a WebSocket byte pipe"],
      ["newline", "a WebSocket byte pipe"],
    ]) {
      await results.check(
        `Chromium, esbuild bundle of the tarballs: ${framing} echo with a Node server over ${how}`,
        async () => {
          const { sent, received } = await page.evaluate((name) => window.runEcho(name), framing);
          if (JSON.stringify(received) !== JSON.stringify(sent)) {
            throw new Error(
              `sent ${JSON.stringify(sent).slice(0, 200)}, got ${JSON.stringify(received).slice(0, 200)}${errors.length ? `; page errors: ${errors.join("; ")}` : ""}`,
            );
          }
        },
      );
    }
  } finally {
    await browser.close();
    server.stop();
  }
}
