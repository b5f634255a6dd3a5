// One vitest config for the whole repo: a Node project and a real-Chromium project.
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const resolve = { conditions: ["source", "module", "browser", "development|production"] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { conditions: ["source", "node", "import", "default"] },
        ssr: { resolve: { conditions: ["source", "node", "import", "default"] } },
        test: {
          name: "node",
          include: [
            "packages/*/test/**/*.test.ts",
            "examples/*/test/**/*.test.ts",
            "bench/test/**/*.test.ts",
            "stress/test/**/*.test.ts",
          ],
          exclude: ["**/*.deno.test.ts", "**/*.bun.test.ts", "**/*.browser.test.ts", "**/node_modules/**"],
          environment: "node",
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        resolve,
        test: {
          name: "browser",
          include: ["packages/*/test/**/*.browser.test.ts", "examples/*/test/**/*.browser.test.ts"],
          globalSetup: ["scripts/browser-global-setup.ts"],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
                args: chromiumFlags,
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
