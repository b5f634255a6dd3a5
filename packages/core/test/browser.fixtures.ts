// Node-side servers for core's Chromium tests: a fetch body of tiny-framed messages, and a WebSocket
// byte-pipe echo. Started by scripts/browser-global-setup.ts; ports reach the browser via `provide`.
import { echoMessages, startFixtureServer, trickle } from "../../../test-support/fixture-server.ts";

export const TINY_BODY_MESSAGES = ["alpha", "", "β-γ", "x".repeat(200)];

function tinyEncode(messages: string[]): Buffer {
  return Buffer.concat(
    messages.flatMap((m) => {
      const bytes = Buffer.from(m, "utf8");
      return [Buffer.of(bytes.length), bytes];
    }),
  );
}

export async function setup(provide: (key: string, value: unknown) => void): Promise<() => Promise<void>> {
  const server = await startFixtureServer(
    {
      "/tiny": (response) => {
        // Written 7 bytes at a time over several writes so framing must cope with arbitrary chunking.
        response.writeHead(200, { "content-type": "application/octet-stream" });
        trickle(response, tinyEncode(TINY_BODY_MESSAGES), 7);
      },
      "/truncated": (response) => {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        response.end(Buffer.of(2, 104, 105, 9, 1, 2));
      },
    },
    { path: "/pipe", onConnection: echoMessages },
  );
  provide("coreHttpPort", server.port);
  return server.close;
}
