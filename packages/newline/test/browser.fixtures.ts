// Node-side servers for the Chromium tests: NDJSON and text bodies written in awkward pieces, a body
// with a bad JSON line, and a WebSocket byte-pipe echo. Ports reach the browser through `provide`.
import { echoMessages, startFixtureServer, trickle } from "../../../test-support/fixture-server.ts";
import { NDJSON_EVENTS } from "./fixtures/ndjson-events.ts";

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const server = await startFixtureServer(
    {
      "/events.ndjson": (response) => {
        response.writeHead(200, { "content-type": "application/x-ndjson" });
        trickle(response, Buffer.from(`\uFEFF${NDJSON_EVENTS.map((e) => JSON.stringify(e)).join("\r\n")}\r\n`), 5);
      },
      "/bad.ndjson": (response) => {
        response.writeHead(200, { "content-type": "application/x-ndjson" });
        response.end('{"ok":1}\n{"ok":2}\n{not json}\n{"ok":3}\n');
      },
      "/log.txt": (response) => {
        response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        trickle(response, Buffer.from("first\r\n\r\nthird ✓\nlast without newline"), 3);
      },
    },
    { path: "/pipe", onConnection: echoMessages },
  );
  provide("newlineHttpPort", server.port);
  return server.close;
}
