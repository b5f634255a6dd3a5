// Node-side fixture for the Chromium tests: the ndjson-fetch server on a free port.
import { startServer } from "../server.ts";

declare module "vitest" {
  interface ProvidedContext {
    ndjsonFetchUrl: string;
  }
}

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const server = await startServer(0);
  provide("ndjsonFetchUrl", server.url);
  return () => server.close();
}
