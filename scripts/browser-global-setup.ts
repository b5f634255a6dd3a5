// Starts each package's Node-side fixture servers for the Chromium tests, and hands their addresses
// to the browser through vitest's `provide`/`inject`.
//
// A package opts in with `test/browser.fixtures.ts` exporting
//   `setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>>`.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { TestProject } from "vitest/node";

const roots = ["packages", "examples"];

export default async function setup(project: TestProject) {
  const teardowns: Array<() => Promise<void>> = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root)) {
      const file = resolve(join(root, name, "test", "browser.fixtures.ts"));
      if (!existsSync(file)) continue;
      const fixtures = await import(pathToFileURL(file).href);
      teardowns.push(
        await fixtures.setup((key: string, value: unknown) => project.provide(key as never, value as never)),
      );
    }
  }
  return async () => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
}
